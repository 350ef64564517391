package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** PROTOCOL.md section 7 over real WebSockets: positions, recovery on subscribe, and every row of its error table. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PositionsIT {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("positions", new Class<?>[0], "stream.history.size=2000", "stream.history.max-recovery=2000",
                "stream.rate-limit=100000", "stream.rate-burst=100000");
    }

    @ArquillianResource
    URL base;

    private final List<WsClient> clients = new ArrayList<>();

    private WsClient connect() {
        WsClient client = WsClient.connect(Endpoints.stream(base));
        clients.add(client);
        return client;
    }

    @AfterEach
    void closeAll() {
        clients.forEach(WsClient::close);
    }

    private static JsonObject invalid(String field, String text) {
        return WsClient.parse("{\"message\":\"Invalid RPC parameters\",\"errors\":{\"" + field + "\":\"" + text + "\"}}");
    }

    private static String epochOf(JsonObject reply) {
        return reply.getJsonObject("response").getJsonObject("position").getString("epoch");
    }

    @Test
    void aPositionedSubscriptionAnswersTheChannelsPositionAndItsMessagesCarryTheirOffsets() {
        WsClient publisher = connect();
        publisher.call("publish", "{\"channel\":\"pos\",\"data\":0}");
        WsClient positioned = connect();
        WsClient plain = connect();
        JsonObject reply = positioned.call("subscribe", "{\"channel\":\"pos\",\"event\":\"trade.*\",\"position\":true}");
        String epoch = epochOf(reply);
        assertThat(reply.getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{\"pos\":[\"trade.*\"]},\"position\":{\"epoch\":\"" + epoch + "\",\"offset\":1}}");
        assertThat(plain.call("subscribe", "{\"channel\":\"pos\",\"position\":false}").getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{\"pos\":[\"*\"]}}");
        publisher.call("publish", "{\"channel\":\"pos\",\"event\":\"trade.btc\",\"data\":{\"price\":3}}");
        assertThat(positioned.nextText()).isEqualTo("{\"channel\":\"pos\",\"event\":\"trade.btc\",\"data\":{\"price\":3},\"offset\":2}");
        assertThat(plain.nextText()).isEqualTo("{\"channel\":\"pos\",\"event\":\"trade.btc\",\"data\":{\"price\":3}}");
    }

    @Test
    void sinceRecoversWhatThePatternMissedInOffsetOrderThenLiveMessagesFollow() {
        WsClient publisher = connect();
        WsClient first = connect();
        String epoch = epochOf(first.call("subscribe", "{\"channel\":\"rec\",\"position\":true}"));
        for (int i = 1; i <= 6; i++) {
            publisher.call("publish", "{\"channel\":\"rec\",\"event\":\"trade." + (i % 2 == 0 ? "btc" : "eth") + "\",\"data\":{\"price\":" + i + "}}");
        }
        WsClient back = connect();
        JsonObject reply = back.call("subscribe", "{\"channel\":\"rec\",\"event\":\"trade.btc\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":2}}");
        assertThat(reply.getJsonObject("response").toString()).isEqualTo("{\"subscribed\":{\"rec\":[\"trade.btc\"]},"
                + "\"position\":{\"epoch\":\"" + epoch + "\",\"offset\":6},\"recovered\":true,"
                + "\"publications\":[{\"event\":\"trade.btc\",\"data\":{\"price\":4},\"offset\":4},"
                + "{\"event\":\"trade.btc\",\"data\":{\"price\":6},\"offset\":6}]}");
        publisher.call("publish", "{\"channel\":\"rec\",\"event\":\"trade.btc\",\"data\":{\"price\":8}}");
        assertThat(back.nextText()).isEqualTo("{\"channel\":\"rec\",\"event\":\"trade.btc\",\"data\":{\"price\":8},\"offset\":7}");
    }

    @Test
    void aClientWhoseSocketDiesWhile1000AreDeliveredResumesWithEveryOffsetOnceInOrder() {
        WsClient publisher = connect();
        WsClient subscriber = WsClient.connect(Endpoints.stream(base));
        String epoch = epochOf(subscriber.call("subscribe", "{\"channel\":\"drop\",\"position\":true}"));
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            publisher.request("publish", "{\"channel\":\"drop\",\"data\":" + i + "}");
            if (i == 100) {
                while (offsets.size() < 50) {
                    offsets.add(subscriber.next().getInt("offset"));
                }
                subscriber.drop();   // the network goes; the server finds out when it can
            }
        }
        WsClient again = connect();
        JsonObject reply = again.call("subscribe", "{\"channel\":\"drop\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":"
                + offsets.get(offsets.size() - 1) + "}}").getJsonObject("response");
        assertThat(reply.getBoolean("recovered")).isTrue();
        reply.getJsonArray("publications").forEach(p -> offsets.add(p.asJsonObject().getInt("offset")));
        while (offsets.size() < 1000) {
            offsets.add(again.next().getInt("offset"));
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(offsets.get(i)).isEqualTo(i + 1);
        }
    }

    @Test
    void underFourPublishersAClientRecoveringMidStreamSeesEveryOffsetOnceInOrder() throws Exception {
        WsClient watcher = connect();
        String epoch = epochOf(watcher.call("subscribe", "{\"channel\":\"four\",\"position\":true}"));
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            WsClient publisher = connect();
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 250; i++) {
                    publisher.call("publish", "{\"channel\":\"four\",\"data\":" + i + "}");
                }
            });
            publishers.add(thread);
            thread.start();
        }
        int seen = 0;
        while (seen < 300) {   // mid-stream: publishing is under way
            watcher.next();
            seen++;
        }
        WsClient late = connect();
        JsonObject reply = late.call("subscribe", "{\"channel\":\"four\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":100}}")
                .getJsonObject("response");
        for (Thread thread : publishers) {
            thread.join();
        }
        assertThat(reply.getBoolean("recovered")).isTrue();
        List<Integer> offsets = new ArrayList<>();
        reply.getJsonArray("publications").forEach(p -> offsets.add(p.asJsonObject().getInt("offset")));
        while (offsets.size() < 900) {
            offsets.add(late.next().getInt("offset"));
        }
        for (int i = 0; i < 900; i++) {
            assertThat(offsets.get(i)).isEqualTo(101 + i);
        }
    }

    /**
     * The section 7 sentence "messages delivered afterwards all have offsets after
     * position.offset", for a connection that already receives the channel through another
     * pattern, while publications stream in: what a client merging the recoveries of several
     * patterns relies on (it drops anything at or before the last reply's position).
     */
    @Test
    void afterASubscribeReplyEveryMessageOfTheChannelHasAnOffsetAfterItsPositionThoughAnotherPatternWasHeld() throws Exception {
        assertThat(lateAfterSubscribeReplies(this::connect, this::connect, "both")).isEmpty();
    }

    /**
     * A subscriber (from {@code subscriberSide}) holds pattern {@code a} of the channel and
     * subscribes {@code b} with a position 300 times over, unsubscribing it in between, while
     * three publishers (from {@code publisherSide}) stream {@code a} and {@code b}: the
     * messages that came after a reply with an offset at or before its position.
     */
    static List<String> lateAfterSubscribeReplies(Supplier<WsClient> subscriberSide, Supplier<WsClient> publisherSide, String channel)
            throws InterruptedException {
        WsClient subscriber = subscriberSide.get();
        subscriber.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"a\",\"position\":true}");
        AtomicBoolean publishing = new AtomicBoolean(true);
        List<Thread> publishers = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            WsClient publisher = publisherSide.get();
            Thread thread = new Thread(() -> {
                for (int i = 0; publishing.get(); i++) {
                    publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"" + (i % 2 == 0 ? "a" : "b") + "\",\"data\":" + i + "}");
                }
            });
            publishers.add(thread);
            thread.start();
        }
        long floor = 0;
        long last = 0;
        List<String> late = new ArrayList<>();
        try {
            for (int round = 0; round < 300; round++) {
                String id = subscriber.request("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"b\",\"position\":true}");
                for (JsonObject frame = subscriber.next(); ; frame = subscriber.next()) {
                    if (frame.containsKey("offset")) {
                        long offset = frame.getJsonNumber("offset").longValue();
                        assertThat(offset).as("strictly increasing").isGreaterThan(last);
                        last = offset;
                        if (offset <= floor) {
                            late.add("offset " + offset + " after a reply at " + floor);
                        }
                    } else if (id.equals(frame.getString("id", null))) {
                        floor = frame.getJsonObject("response").getJsonObject("position").getJsonNumber("offset").longValue();
                        break;
                    } else {
                        assertThat(frame.containsKey("response")).as("the previous unsubscribe's reply: %s", frame).isTrue();
                    }
                }
                subscriber.request("unsubscribe", "{\"channel\":\"" + channel + "\",\"event\":\"b\"}");
            }
        } finally {
            publishing.set(false);
            for (Thread thread : publishers) {
                thread.join();
            }
        }
        return late;
    }

    @Test
    void aSlowConsumerClosedWith1008ComesBackAndRecoversWhatItMissed() {
        String pad = "\"" + "x".repeat(30_000) + "\"";
        WsClient publisher = connect();
        WsClient slow = WsClient.connectPaused(Endpoints.stream(base));
        slow.request("subscribe", "{\"channel\":\"slow\",\"position\":true}");
        publisher.call("subscribe", "{\"channel\":\"slow\"}");
        // The paused client cannot read its reply: its subscription shows in the counts instead.
        await().until(() -> subscribers(publisher, "slow") == 2);
        int published = 0;
        while (subscribers(publisher, "slow") == 2) {   // until the server has closed the slow one
            publisher.call("publish", "{\"channel\":\"slow\",\"data\":{\"n\":" + (++published) + ",\"pad\":" + pad + "}}");
            publisher.next();
        }
        slow.resume();
        assertThat(slow.awaitClose()).isEqualTo(new WsClient.Close(1008, "slow consumer"));
        JsonObject reply = WsClient.parse(slow.nextText());
        String epoch = epochOf(reply);
        long start = reply.getJsonObject("response").getJsonObject("position").getJsonNumber("offset").longValue();
        List<Long> offsets = new ArrayList<>();
        for (String text = slow.nextTextWithin(java.time.Duration.ZERO); text != null; text = slow.nextTextWithin(java.time.Duration.ZERO)) {
            offsets.add(WsClient.parse(text).getJsonNumber("offset").longValue());
        }
        long resumeFrom = offsets.isEmpty() ? start : offsets.get(offsets.size() - 1);
        WsClient back = connect();
        JsonObject recovered = back.call("subscribe", "{\"channel\":\"slow\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":"
                + resumeFrom + "}}").getJsonObject("response");
        assertThat(recovered.getBoolean("recovered")).isTrue();
        recovered.getJsonArray("publications").forEach(p -> offsets.add(p.asJsonObject().getJsonNumber("offset").longValue()));
        publisher.call("publish", "{\"channel\":\"slow\",\"data\":{\"n\":\"after\"}}");
        offsets.add(back.next().getJsonNumber("offset").longValue());
        for (int i = 0; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).isEqualTo(start + 1 + i);
        }
        assertThat(offsets).hasSize(published + 1);
    }

    private static int subscribers(WsClient client, String channel) {
        JsonObject found = client.call("server_info", "{}").getJsonObject("response").getJsonObject("channels").getJsonObject(channel);
        return found == null ? 0 : found.getInt("*");
    }

    @Test
    void aPositionThatIsNotABooleanIsRefused() {
        assertThat(connect().call("subscribe", "{\"channel\":\"e1\",\"position\":\"yes\"}").getJsonObject("error"))
                .isEqualTo(invalid("position", "must be a boolean"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"k3f9\"", "7", "[]", "{\"epoch\":\"k3f9\"}", "{\"offset\":1}", "{\"epoch\":5,\"offset\":1}",
        "{\"epoch\":\"k3f9\",\"offset\":-1}", "{\"epoch\":\"k3f9\",\"offset\":1.5}", "{\"epoch\":\"k3f9\",\"offset\":\"1\"}",
        "{\"epoch\":\"k3f9\",\"offset\":99999999999999999999999}", "{\"epoch\":\"k3f9\",\"offset\":9223372036854775808}",
        // a whole value, but not written as an integer: these parse to the very value of 37 or 1
        "{\"epoch\":\"k3f9\",\"offset\":37.0}", "{\"epoch\":\"k3f9\",\"offset\":3.7e1}", "{\"epoch\":\"k3f9\",\"offset\":37E0}",
        "{\"epoch\":\"k3f9\",\"offset\":1e0}"})
    void aSinceThatIsNotAPositionIsRefused(String since) {
        WsClient client = connect();
        assertThat(client.call("subscribe", "{\"channel\":\"e2\",\"since\":" + since + "}").getJsonObject("error"))
                .isEqualTo(invalid("since", "Invalid position"));
        assertThat(client.call("subscribe", "{\"channel\":\"e2\"}").containsKey("response")).as("the connection is fine").isTrue();
    }

    @Test
    void aSinceOfTheCurrentEpochAfterTheLastPublicationIsRefusedAndSubscribesNothing() {
        WsClient client = connect();
        String epoch = epochOf(client.call("subscribe", "{\"channel\":\"e3\",\"position\":true}"));
        client.call("unsubscribe", "{\"channel\":\"e3\"}");
        WsClient other = connect();
        other.call("subscribe", "{\"channel\":\"e3\"}");
        assertThat(client.call("subscribe", "{\"channel\":\"e3\",\"event\":\"x\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":5}}")
                .getJsonObject("error")).isEqualTo(invalid("since", "Invalid position"));
        assertThat(client.call("server_info", "{}").getJsonObject("response").getJsonObject("channels").getJsonObject("e3").toString())
                .isEqualTo("{\"*\":1}");
    }

    /**
     * A refused {@code since} for a pattern the connection already holds changes nothing: the
     * pattern stays, and its messages come as before (without offsets for a version 1 one).
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRefusedSinceForAHeldPatternLeavesItHeldAndReceiving(boolean position) {
        String channel = "held-" + position;
        WsClient client = connect();
        client.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"*\",\"position\":" + position + "}");
        WsClient publisher = connect();
        String epoch = epochOf(publisher.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"probe\",\"position\":true}"));
        assertThat(client.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"*\",\"since\":{\"epoch\":\"" + epoch
                + "\",\"offset\":999}}").getJsonObject("error")).isEqualTo(invalid("since", "Invalid position"));
        assertThat(client.call("server_info", "{}").getJsonObject("response").getJsonObject("channels").getJsonObject(channel))
                .isEqualTo(WsClient.parse("{\"*\":1,\"probe\":1}"));
        publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"after\",\"data\":1}");
        assertThat(client.nextText()).isEqualTo("{\"channel\":\"" + channel + "\",\"event\":\"after\",\"data\":1" + (position ? ",\"offset\":1}" : "}"));
    }

    /**
     * A refused {@code since} for a new pattern does not touch the connection's other patterns
     * on the channel: a stale position just ahead of the last publication (or far ahead) used
     * to silence the next publications for all of them, and gave a version 1 subscriber
     * offsets. Two such subscribes sent together undo each other's effects just as well.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2", "9223372036854775807", "2,3"})   // the last publication is offset 1
    void aRefusedSinceForANewPatternLeavesTheOtherPatternsOfTheChannelAsTheyWere(String offsets) {
        String channel = "other-" + offsets.replace(',', '-');
        WsClient client = connect();
        client.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"*\"}");
        WsClient publisher = connect();
        String epoch = epochOf(publisher.call("subscribe", "{\"channel\":\"" + channel + "\",\"event\":\"probe\",\"position\":true}"));
        publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"before\",\"data\":1}");
        assertThat(client.nextText()).isEqualTo("{\"channel\":\"" + channel + "\",\"event\":\"before\",\"data\":1}");
        List<String> refused = new ArrayList<>();
        for (String offset : offsets.split(",")) {
            refused.add("{\"channel\":\"" + channel + "\",\"event\":\"y" + offset + "\",\"since\":{\"epoch\":\"" + epoch
                    + "\",\"offset\":" + offset + "}}");
        }
        assertThat(client.callAll("subscribe", refused)).allSatisfy(reply ->
                assertThat(reply.getJsonObject("error")).isEqualTo(invalid("since", "Invalid position")));
        publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"after\",\"data\":2}");
        publisher.call("publish", "{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"data\":3}");
        assertThat(List.of(client.nextText(), client.nextText())).containsExactly(
                "{\"channel\":\"" + channel + "\",\"event\":\"after\",\"data\":2}",
                "{\"channel\":\"" + channel + "\",\"event\":\"marker\",\"data\":3}");
        assertThat(client.call("server_info", "{}").getJsonObject("response").getJsonObject("channels").getJsonObject(channel))
                .isEqualTo(WsClient.parse("{\"*\":1,\"probe\":1}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"37", "0", "9223372036854775807"})   // the largest has 19 digits: a BigDecimal to the parser
    void aSinceOfAnotherEpochSubscribesButRecoversNothingAndSaysWhy(String offset) {
        JsonObject reply = connect().call("subscribe", "{\"channel\":\"e4\",\"since\":{\"epoch\":\"gone\",\"offset\":" + offset + "}}")
                .getJsonObject("response");
        assertThat(reply.getBoolean("recovered")).isFalse();
        assertThat(reply.getString("reason")).isEqualTo("epoch");
        assertThat(reply.getJsonArray("publications")).isEmpty();
        assertThat(reply.getJsonObject("subscribed").toString()).isEqualTo("{\"e4\":[\"*\"]}");
    }
}
