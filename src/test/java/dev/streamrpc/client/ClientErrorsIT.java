package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Calls the server refuses, and calls the client refuses before asking. */
class ClientErrorsIT {

    /** A payload JSON-B cannot write. */
    public record Unwritable(String value) {
        @Override
        public String value() {
            throw new IllegalStateException("no value");
        }
    }

    /** The first half of an emoji: a string cut inside a character, which no WebSocket text message can carry. */
    private static final String CUT = "\uD83D\uDE00".substring(0, 1);

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void aRefusedCallFailsWithTheServersMessageAndFieldErrors() throws Exception {
        try (StreamClient client = StreamClient.connect(SERVER.uri())) {
            RpcError noMethod = failure(client.call("nope", Map.of()), RpcError.class);
            RpcError badChannel = failure(client.subscribe("Test", message -> { }), RpcError.class);
            RpcError cannotPublish = failure(client.publish("Bad channel", "e", 1), RpcError.class);

            assertThat(noMethod.message()).isEqualTo("Invalid RPC parameters");
            assertThat(noMethod.errors()).containsExactly(Map.entry("method", "nope method not available"));
            assertThat(badChannel.errors()).containsExactly(Map.entry("channel", "Invalid channel"));
            assertThat(cannotPublish.errors()).containsExactly(Map.entry("channel", "Cannot publish to channel"));
            assertThat(client.call("echo", Map.of("still", "open")).join().toString()).isEqualTo("{\"still\":\"open\"}");
        }
    }

    @Test
    void aMalformedPatternOrAnUnwritablePayloadFailsWithoutAskingTheServer() throws Exception {
        try (StreamClient client = StreamClient.connect(SERVER.uri())) {
            assertThat(failure(client.subscribe("prices", "trade[", message -> { }), IllegalArgumentException.class))
                    .hasMessage("Invalid event pattern: trade[");
            assertThat(failure(client.call("echo", new Unwritable("x")), JsonbException.class)).isNotNull();
            assertThat(client.call("server_info", null).join().asJsonObject().getJsonObject("channels")).doesNotContainKey("prices");
        }
    }

    /**
     * The JDK refuses to send such a text; the client took that for a broken connection, failed
     * every call out with ConnectionLost and reconnected. The slow network keeps a call out
     * while the cut one is made.
     */
    @Test
    void aLoneSurrogateFailsOnlyItsOwnCallAndTheConnectionStaysOpen() throws Exception {
        try (CuttableProxy network = new CuttableProxy(SERVER.uri()); StreamClient client = StreamClient.connect(network.uri())) {
            List<State> states = new CopyOnWriteArrayList<>();
            client.onStateChange(states::add);
            network.latencyToClient(Duration.ofMillis(300));
            CompletableFuture<JsonValue> out = client.call("echo", Map.of("n", 1));

            assertThat(failure(client.call("echo", Map.of("text", "cut " + CUT)), IllegalArgumentException.class))
                    .hasMessage("Cannot send echo: a string in it holds a lone surrogate (half a character, as when a string is cut inside an emoji)");
            assertThat(failure(client.publish("chat", CUT, 1), IllegalArgumentException.class)).hasMessageStartingWith("Cannot send publish");
            assertThat(out.get(30, TimeUnit.SECONDS).toString()).isEqualTo("{\"n\":1}");
            client.close();
            await().until(() -> states.contains(State.CLOSED));
            assertThat(states).as("never reconnected").containsExactly(State.CLOSED);
        }
    }

    /**
     * A cut text that waited for the connection was refused as the link opened. Refused at once,
     * under the client's lock, the call queued behind it went back into the queue, forever (a
     * core busy, close() blocked); refused a moment later, it and the calls sent with it failed
     * with ConnectionLost, as this test saw before the fix.
     */
    @Test
    void aLoneSurrogateMadeWhileReconnectingLeavesTheCallsBehindItAndCloseToWork() throws Exception {
        try (CuttableProxy network = new CuttableProxy(SERVER.uri())) {
            StreamClient client = StreamClient.builder(network.uri()).pingInterval(Duration.ZERO)
                    .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)).connect();
            network.cut();
            await().until(() -> client.state() == State.RECONNECTING);
            CompletableFuture<JsonValue> cut = client.call("echo", Map.of("text", CUT));
            CompletableFuture<JsonValue> whole = client.call("echo", Map.of("n", 2));
            network.restore();

            assertThat(failure(cut, IllegalArgumentException.class)).hasMessageStartingWith("Cannot send echo");
            assertThat(whole.get(30, TimeUnit.SECONDS).toString()).isEqualTo("{\"n\":2}");
            assertThat(CompletableFuture.runAsync(client::close)).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void callsOverTheServersRateLimitFailWithTooManyRequests() throws Exception {
        try (ServerProcess limited = new ServerProcess(Map.of("STREAM_RATE_LIMIT", "1", "STREAM_RATE_BURST", "3"));
             StreamClient client = StreamClient.connect(limited.uri())) {
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                calls.add(client.call("echo", Map.of("n", i)));
            }
            List<String> outcomes = new ArrayList<>();
            for (CompletableFuture<?> call : calls) {
                outcomes.add(call.handle((ok, error) -> error == null ? "ok" : ((RpcError) error).message()).join());
            }
            // The burst goes through; a token more may have come back while the ten went out.
            assertThat(outcomes.subList(0, 3)).containsOnly("ok");
            assertThat(outcomes.subList(4, 10)).containsOnly("Too many requests");
        }
    }

    /** What the future failed with, checked to be of {@code type}; waits half a minute at most. */
    static <T extends Throwable> T failure(CompletableFuture<?> future, Class<T> type) throws Exception {
        Throwable thrown = future.handle((value, error) -> error).get(30, TimeUnit.SECONDS);
        assertThat(thrown).as("the call failed").isInstanceOf(type);
        return type.cast(thrown);
    }

    @Test
    void nullArgumentsAreRefusedAtOnce() {
        try (StreamClient client = StreamClient.connect(SERVER.uri())) {
            assertThatThrownBy(() -> client.subscribe(null, message -> { })).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> client.call(null, Map.of())).isInstanceOf(NullPointerException.class);
        }
    }
}
