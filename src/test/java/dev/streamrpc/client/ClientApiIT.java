package dev.streamrpc.client;

import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Every call of the client's API example, against the server jar. */
class ClientApiIT {

    /** Public, as JSON-B binds only public types. */
    public record Order(String item, int quantity) {
    }

    public record Trade(int price) {
    }

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void callsReturnTheResponseAsJsonOrBoundToAType() {
        try (StreamClient client = StreamClient.connect(SERVER.uri())) {
            JsonValue any = client.call("echo", Map.of("a", 1)).join();
            Order typed = client.call("echo", new Order("book", 2), Order.class).join();
            JsonValue info = client.call("server_info", null).join();

            assertThat(any.toString()).isEqualTo("{\"a\":1}");
            assertThat(typed).isEqualTo(new Order("book", 2));
            assertThat(info.asJsonObject().getInt("connections")).isPositive();
        }
    }

    @Test
    void aReplyTooLongForOneReadArrivesWhole() {
        // The JDK hands a long message over in parts; the client joins them.
        String text = "0123456789".repeat(6000);
        try (StreamClient client = StreamClient.connect(SERVER.uri())) {
            assertThat(client.call("echo", Map.of("text", text)).join().asJsonObject().getString("text")).isEqualTo(text);
        }
    }

    /**
     * The server holds one pattern per channel and connection: a second subscribe of a pattern
     * already held is taken as held. Unsubscribing the first while the second waits for its
     * reply used to send an unsubscribe anyway, and the second, active, then received nothing.
     * The network delays what the server sends by 300 ms, so that the reply surely comes after.
     */
    @Test
    void unsubscribingWhileASubscribeOfTheSamePatternIsAnsweredKeepsItOnTheServer() throws Exception {
        try (CuttableProxy network = new CuttableProxy(SERVER.uri()); StreamClient client = StreamClient.connect(network.uri())) {
            Inbox first = new Inbox();
            Inbox second = new Inbox();
            Subscription held = client.subscribe("overlap", first).join();
            network.latencyToClient(Duration.ofMillis(300));
            var joining = client.subscribe("overlap", second);
            held.unsubscribe().join();
            joining.join();

            client.publish("overlap", "after", 1).join();

            second.awaitLog("after");
            assertThat(first.log).isEmpty();
        }
    }

    @Test
    void aSubscriptionReceivesMatchingMessagesUntilItUnsubscribes() {
        try (StreamClient client = StreamClient.connect(SERVER.uri())) {
            Inbox trades = new Inbox();
            Inbox everything = new Inbox();
            Subscription sub = client.subscribe("prices", "trade.*", trades).join();
            client.subscribe("prices", everything).join();

            JsonValue published = client.publish("prices", "trade.btc", Map.of("price", 1)).join();
            client.publish("prices", "news", "not a trade").join();
            client.publish("prices", null, null).join();
            everything.awaitLog("trade.btc", "news", "");

            assertThat(published.toString()).isEqualTo("{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
            assertThat(sub.channel()).isEqualTo("prices");
            assertThat(sub.pattern()).isEqualTo("trade.*");
            assertThat(trades.log).containsExactly("trade.btc");
            Message message = trades.messages.get(0);
            assertThat(message.channel()).isEqualTo("prices");
            assertThat(message.event()).isEqualTo("trade.btc");
            assertThat(message.data().toString()).isEqualTo("{\"price\":1}");
            assertThat(message.data(Trade.class)).isEqualTo(new Trade(1));
            // Version 1 sends no offsets; ClientRecoveryIT covers version 2's.
            message.offset().ifPresent(offset -> assertThat(offset).isPositive());
            assertThat(everything.messages.get(2).data()).isEqualTo(JsonValue.NULL);

            sub.unsubscribe().join();
            assertThat(sub.isActive()).isFalse();
            client.publish("prices", "trade.eth", Map.of("price", 2)).join();
            client.publish("prices", "marker", 0).join();
            // One handler queue: had trade.eth reached the unsubscribed handler, it would have done so before the marker.
            everything.awaitLog("trade.btc", "news", "", "trade.eth", "marker");
            assertThat(trades.log).containsExactly("trade.btc");
            assertThat(client.call("server_info", null).join().asJsonObject().getJsonObject("channels").getJsonObject("prices").keySet())
                    .containsExactly("*");
        }
    }

    @Test
    void stateListenersHearTheCloseAndAClosedClientRefusesCallsAndLeavesTheServer() {
        List<State> states = new CopyOnWriteArrayList<>();
        StreamClient client = StreamClient.connect(SERVER.uri());
        // Clients of earlier tests close asynchronously: wait until this one is the only one.
        await().atMost(Duration.ofSeconds(20)).until(() -> connections(client) == 1);
        client.onStateChange(states::add);
        assertThat(client.state()).isEqualTo(State.OPEN);

        client.close();

        assertThat(client.state()).isEqualTo(State.CLOSED);
        await().untilAsserted(() -> assertThat(states).containsExactly(State.CLOSED));
        assertThatThrownBy(() -> client.call("echo", Map.of()).join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ConnectionLost.class);
        try (StreamClient other = StreamClient.connect(SERVER.uri())) {
            // The other client counts itself in place of the closed one.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(connections(other)).isEqualTo(1));
        }
    }

    private static int connections(StreamClient client) {
        return client.call("server_info", null).join().asJsonObject().getInt("connections");
    }

    @Test
    void connectThrowsWhenNoServerListens() {
        assertThatThrownBy(() -> StreamClient.connect(java.net.URI.create("ws://127.0.0.1:1/stream")))
                .isInstanceOf(ConnectionLost.class).hasMessageContaining("Could not connect to ws://127.0.0.1:1/stream");
    }
}
