package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.RawFrameClient;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of mutated and hand-picked malformed frames. Each must get exactly one
 * well-formed reply (or, for an oversize one, a 1009 close); nothing may leak an exception;
 * another client is served throughout; no connection is left behind. The generator is
 * seeded ({@code -Dfuzz.seed=N} replays a run; the seed is printed).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FuzzIT {

    private static final int FRAMES = 4000;
    private static final int MAX_MESSAGE_BYTES = 65536;
    private static final Set<String> MESSAGES = Set.of("JSON string expected", "Invalid RPC parameters", "JSON object expected");

    private static final String[] CORPUS = {
        "{\"id\":1,\"method\":\"echo\",\"payload\":{\"a\":1,\"b\":[true,null,\"x\"]}}",
        "{\"id\":\"s\",\"method\":\"subscribe\",\"payload\":{\"channel\":\"fz\",\"event\":\"a.*\"}}",
        "{\"id\":2,\"method\":\"publish\",\"payload\":{\"channel\":\"fz\",\"event\":\"a.b\",\"data\":[1,2]}}",
        "{\"id\":3,\"method\":\"unsubscribe\",\"payload\":{\"channel\":\"fz\",\"event\":\"a.*\"}}",
        "{\"id\":4,\"method\":\"server_info\"}",
    };

    /** Hand-picked bad input: the robustness list of the hardening issue, and friends. */
    private static final List<String> MALFORMED = List.of(
        "", " ", "nul", "{", "}", "[", "{\"id\":", "{\"id\":1,}", "{'id':1}", "\u0000", "{\"id\":1}{\"id\":2}",
        "[".repeat(10_000) + "]".repeat(10_000),
        "{\"id\":1,\"method\":\"echo\",\"payload\":" + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}",
        "{\"id\":1e999999999,\"method\":\"echo\",\"payload\":{\"n\":-1e-999999999}}",
        "{\"id\":" + "9".repeat(5_000) + ",\"method\":\"echo\"}",
        "{\"id\":null,\"method\":null,\"payload\":null}",
        "{\"id\":[],\"method\":{},\"payload\":\"x\"}",
        "{\"id\":true,\"method\":1,\"payload\":1}",
        "{\"id\":1,\"method\":\"subscribe\",\"payload\":{\"channel\":null,\"event\":null}}",
        "{\"id\":1,\"method\":\"subscribe\",\"payload\":{\"channel\":{},\"event\":[]}}",
        "{\"id\":1,\"method\":\"publish\",\"payload\":{\"channel\":\"ok\",\"event\":{},\"data\":1}}",
        "{\"id\":1,\"method\":\"publish\",\"payload\":{\"channel\":null,\"event\":null,\"data\":null}}",
        "{\"id\":1,\"method\":\"unsubscribe\",\"payload\":{\"channel\":true}}",
        "{\"id\":1,\"method\":\"echo\",\"payload\":{},\"unknown\":{\"deep\":[1,2,3]},\"another\":null}",
        "{\"id\":\"\\ud800\",\"method\":\"echo\\udfff\",\"payload\":{\"\\u0000\":\"\\u0000\"}}",
        "{\"id\":1,\"method\":\"subscribe\",\"payload\":{\"channel\":\"c\",\"event\":\"[\\\\\"}}",
        "{\"id\":1,\"method\":\"echo\",\"payload\":{\"s\":\"" + "x".repeat(MAX_MESSAGE_BYTES) + "\"}}");

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("fuzz", new Class<?>[0], "stream.rate-limit=1000000", "stream.rate-burst=1000000");
    }

    @ArquillianResource
    URL base;

    @Test
    void everyFrameGetsOneWellFormedReplyAndTheServerKeepsServing() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("FuzzIT seed: " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        URI stream = Endpoints.stream(base);
        List<String> frames = new ArrayList<>(MALFORMED);
        for (int i = 0; i < FRAMES; i++) {
            frames.add(mutate(CORPUS[random.nextInt(CORPUS.length)], random));
        }

        int replies = 0;
        int closes = 0;
        try (WsClient canary = WsClient.connect(stream)) {
            WsClient fuzzed = WsClient.connect(stream);
            for (int i = 0; i < frames.size(); i++) {
                String frame = frames.get(i);
                fuzzed.send(frame);
                String reply = nextReply(fuzzed);
                if (reply == null) {
                    assertThat(fuzzed.awaitClose().code()).as("frame %d closed the connection: %s", i, abbreviate(frame)).isEqualTo(1009);
                    assertThat(frame.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isGreaterThan(MAX_MESSAGE_BYTES);
                    closes++;
                    fuzzed = WsClient.connect(stream);
                    continue;
                }
                assertWellFormed(reply, frame);
                replies++;
                if (i % 250 == 0) {
                    assertThat(canary.call("echo", "{\"i\":" + i + "}").getJsonObject("response").getInt("i")).isEqualTo(i);
                }
            }
            assertThat(fuzzed.nextTextWithin(Duration.ofMillis(300))).as("no reply without a request").satisfiesAnyOf(
                    extra -> assertThat(extra).isNull(),
                    extra -> assertThat(WsClient.parse(extra).containsKey("response") || WsClient.parse(extra).containsKey("error")).isFalse());
            fuzzed.close();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    canary.call("server_info", "{}").getJsonObject("response").getInt("connections") == 1);
        }
        assertThat(replies + closes).isEqualTo(frames.size());
        System.out.printf("FuzzIT: %d frames, %d replies, %d closes with 1009%n", frames.size(), replies, closes);
    }

    @Test
    void invalidUtf8AlwaysClosesWith1007AndNothingElse() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            byte[] bytes = ("{\"id\":1,\"method\":\"echo\",\"payload\":{\"s\":\"" + "x".repeat(random.nextInt(100)) + "\"}}").getBytes();
            bytes[10 + random.nextInt(bytes.length - 12)] = (byte) (0x80 + random.nextInt(0x40)); // a lone continuation byte
            try (RawFrameClient client = new RawFrameClient(Endpoints.stream(base))) {
                client.sendText(bytes);
                assertThat(client.awaitCloseCode()).isEqualTo(1007);
            }
        }
    }

    /** The next reply (a frame with "response" or "error"), skipping deliveries; null if the connection closed. */
    private static String nextReply(WsClient client) {
        while (true) {
            String text = client.nextTextWithin(Duration.ofSeconds(10));
            if (text == null) {
                assertThat(client.isClosed()).as("no reply and not closed").isTrue();
                return null;
            }
            JsonObject message = WsClient.parse(text);
            if (message.containsKey("response") || message.containsKey("error")) {
                return text;
            }
        }
    }

    private static void assertWellFormed(String text, String frame) {
        JsonObject reply = WsClient.parse(text);
        assertThat(text).as("reply to %s", abbreviate(frame)).doesNotContain("Exception").doesNotContain("\tat ");
        if (reply.containsKey("error")) {
            String message = reply.getJsonObject("error").getString("message");
            assertThat(MESSAGES.contains(message) || message.startsWith("Malformed message; expected dictionary, got "))
                    .as("error %s for %s", text, abbreviate(frame)).isTrue();
        }
        for (String key : List.of("id", "method")) {
            assertThat(reply.get(key)).as("%s is never null", key).isNotEqualTo(JsonValue.NULL);
        }
    }

    private static String mutate(String base, Random random) {
        StringBuilder frame = new StringBuilder(base);
        String alphabet = "{}[]\",:0123456789.eE-+ntrufalsx\\ \u00e9\u4e2d";
        String[] values = {"null", "true", "1e308", "-0", "\"\"", "[]", "{}", "\"[\"", "\"Test\"", "123456789012345678901234567890"};
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && frame.length() > 0; m++) {
            int at = random.nextInt(frame.length());
            switch (random.nextInt(4)) {
                case 0 -> frame.deleteCharAt(at);
                case 1 -> frame.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                case 2 -> frame.insert(at, frame.substring(at, Math.min(frame.length(), at + 1 + random.nextInt(8))));
                default -> {
                    int colon = frame.indexOf(":", at);
                    if (colon >= 0) {
                        int end = colon + 1;
                        while (end < frame.length() && ",}]".indexOf(frame.charAt(end)) < 0) {
                            end++;
                        }
                        frame.replace(colon + 1, end, values[random.nextInt(values.length)]);
                    }
                }
            }
        }
        return frame.toString();
    }

    private static String abbreviate(String frame) {
        return frame.length() > 120 ? frame.substring(0, 120) + "... (" + frame.length() + " chars)" : frame;
    }
}
