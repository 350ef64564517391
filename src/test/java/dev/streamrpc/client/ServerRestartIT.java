package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server is killed while a subscription is live and started again on the same port: the
 * client reconnects and subscribes again by itself, and the handler receives what is published
 * afterwards, told first that it may have missed messages.
 */
class ServerRestartIT {

    @Test
    void aLiveSubscriptionSurvivesAServerRestartAndItsHandlerIsToldWhatMayHaveBeenLost() throws Exception {
        ServerProcess first = new ServerProcess(Map.of());
        int port = first.uri().getPort();
        List<State> states = new CopyOnWriteArrayList<>();
        Inbox inbox = new Inbox();
        try (StreamClient client = StreamClient.builder(first.uri()).reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(500)).connect()) {
            client.onStateChange(states::add);
            client.subscribe("news", "*", inbox).join().onLost(inbox.lost());
            client.publish("news", "before", 1).join();
            inbox.awaitLog("before");

            first.kill();
            await().until(() -> client.state() == State.RECONNECTING);
            try (ServerProcess second = new ServerProcess(Map.of(), port);
                 StreamClient publisher = StreamClient.connect(second.uri())) {
                await().atMost(Duration.ofSeconds(20)).until(() -> publisher.call("server_info", null).join()
                        .asJsonObject().getJsonObject("channels").containsKey("news"));
                publisher.publish("news", "after", 2).join();

                // Version 1 cannot tell what was missed; version 2 knows the restarted memory broker lost its history.
                String reason = inbox.messages.get(0).offset().isPresent() ? "epoch" : Subscriptions.UNSUPPORTED;
                inbox.awaitLog("before", "lost: " + reason, "after");
                assertThat(states).containsExactly(State.RECONNECTING, State.OPEN);
            }
        } finally {
            first.close();
        }
    }
}
