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

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every row of PROTOCOL.md section 4, end to end over real WebSockets. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PubSubIT {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("pubsub", new Class<?>[0], "stream.max-subscriptions=3");
    }

    @ArquillianResource
    URL base;

    private final List<WsClient> clients = new ArrayList<>();

    private WsClient connect() {
        WsClient client = WsClient.connect(stream());
        clients.add(client);
        return client;
    }

    private URI stream() {
        return Endpoints.stream(base);
    }

    @AfterEach
    void closeAll() {
        clients.forEach(WsClient::close);
    }

    private static JsonObject json(String text) {
        return WsClient.parse(text);
    }

    private static JsonObject invalid(String field, String text) {
        return json("{\"message\":\"Invalid RPC parameters\",\"errors\":{\"" + field + "\":\"" + text + "\"}}");
    }

    @Test
    void subscribeAnswersWithAllSubscriptionsInTheOrderTheyWereMade() {
        WsClient client = connect();
        client.call("subscribe", "{\"channel\":\"prices\",\"event\":\"trade.*\"}");
        client.call("subscribe", "{\"channel\":\"news\"}");
        JsonObject reply = client.call("subscribe", "{\"channel\":\"prices\",\"event\":\"quote\"}");
        assertThat(reply.getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{\"prices\":[\"trade.*\",\"quote\"],\"news\":[\"*\"]}}");
        // Subscribing again changes nothing; a pattern subscribed again after its removal goes last.
        assertThat(client.call("subscribe", "{\"channel\":\"prices\",\"event\":\"trade.*\"}").getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{\"prices\":[\"trade.*\",\"quote\"],\"news\":[\"*\"]}}");
        client.call("unsubscribe", "{\"channel\":\"prices\",\"event\":\"trade.*\"}");
        assertThat(client.call("subscribe", "{\"channel\":\"prices\",\"event\":\"trade.*\"}").getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{\"prices\":[\"quote\",\"trade.*\"],\"news\":[\"*\"]}}");
    }

    @Test
    void subscribeRefusals() {
        WsClient client = connect();
        assertThat(client.call("subscribe", "{}").getJsonObject("error")).isEqualTo(invalid("channel", "required"));
        assertThat(client.call("subscribe", "{\"channel\":\"c\",\"event\":\"[abc\"}").getJsonObject("error"))
                .isEqualTo(invalid("event", "Invalid event pattern"));
        assertThat(client.call("subscribe", "{\"channel\":\"c\",\"event\":7}").getJsonObject("error"))
                .isEqualTo(invalid("event", "Invalid event pattern"));
        assertThat(client.call("subscribe", "{\"channel\":\"Test\"}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Invalid channel"));
        assertThat(client.call("subscribe", "{\"channel\":5}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Invalid channel"));
        assertThat(client.call("subscribe", "{\"channel\":\"" + "x".repeat(201) + "\"}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Invalid channel"));
        // The connection is still fine after every refusal.
        assertThat(client.call("subscribe", "{\"channel\":\"c\"}").getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{\"c\":[\"*\"]}}");
    }

    @Test
    void aConnectionHoldsAtMostMaxSubscriptionsPatterns() {
        WsClient client = connect();
        client.call("subscribe", "{\"channel\":\"a\",\"event\":\"1\"}");
        client.call("subscribe", "{\"channel\":\"a\",\"event\":\"2\"}");
        client.call("subscribe", "{\"channel\":\"b\"}");
        assertThat(client.call("subscribe", "{\"channel\":\"c\"}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Too many subscriptions"));
        // A pattern it already holds is not a new one.
        assertThat(client.call("subscribe", "{\"channel\":\"b\"}").containsKey("response")).isTrue();
    }

    @Test
    void unsubscribeRemovesOnePatternAndRefusesAChannelNobodyHolds() {
        WsClient client = connect();
        client.call("subscribe", "{\"channel\":\"u1\",\"event\":\"x\"}");
        client.call("subscribe", "{\"channel\":\"u1\"}");
        assertThat(client.call("unsubscribe", "{\"channel\":\"u1\"}").getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{\"u1\":[\"x\"]}}");
        assertThat(client.call("unsubscribe", "{\"channel\":\"u1\",\"event\":\"x\"}").getJsonObject("response").toString())
                .isEqualTo("{\"subscribed\":{}}");
        assertThat(client.call("unsubscribe", "{\"channel\":\"u1\"}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Invalid channel"));
        assertThat(client.call("unsubscribe", "{}").getJsonObject("error")).isEqualTo(invalid("channel", "required"));
        assertThat(client.call("unsubscribe", "{\"channel\":\"Bad\"}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Invalid channel"));
        assertThat(client.call("unsubscribe", "{\"channel\":\"u1\",\"event\":\"[\"}").getJsonObject("error"))
                .isEqualTo(invalid("event", "Invalid event pattern"));
    }

    @Test
    void publishAnswersWithTheMessageAndDeliversItToSubscribers() {
        WsClient subscriber = connect();
        WsClient publisher = connect();
        subscriber.call("subscribe", "{\"channel\":\"prices\",\"event\":\"trade.*\"}");
        JsonObject reply = publisher.call("publish", "{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
        assertThat(reply.getJsonObject("response")).isEqualTo(json("{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}"));
        assertThat(subscriber.nextText()).isEqualTo("{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
    }

    /**
     * Jetty reads a connection into a buffer of a kilobyte (see JettySender): a message of many
     * of them, its characters of up to four UTF-8 bytes split between reads, is still one message.
     */
    @Test
    void aPublicationOfManyInputBuffersWithCharactersSplitBetweenThemArrivesWhole() {
        WsClient subscriber = connect();
        WsClient publisher = connect();
        subscriber.call("subscribe", "{\"channel\":\"large\"}");
        String data = "a\u00e9\u20ac\ud834\udd1e".repeat(6_000);   // 1, 2, 3 and 4 bytes: 60,000 bytes
        JsonObject reply = publisher.call("publish", "{\"channel\":\"large\",\"data\":\"" + data + "\"}");
        assertThat(reply.getJsonObject("response").getString("data")).isEqualTo(data);
        assertThat(json(subscriber.nextText()).getString("data")).isEqualTo(data);
    }

    @Test
    void publishWithoutEventIsDeliveredWithAnEmptyEventToPatternsMatchingIt() {
        WsClient star = connect();
        WsClient named = connect();
        star.call("subscribe", "{\"channel\":\"plain\"}");
        named.call("subscribe", "{\"channel\":\"plain\",\"event\":\"?*\"}");
        JsonObject reply = connect().call("publish", "{\"channel\":\"plain\",\"data\":null}");
        assertThat(reply.getJsonObject("response").toString()).isEqualTo("{\"channel\":\"plain\",\"event\":null,\"data\":null}");
        assertThat(star.nextText()).isEqualTo("{\"channel\":\"plain\",\"event\":\"\",\"data\":null}");
        // A marker published after it reaches both; the named pattern's first message is the marker.
        connect().call("publish", "{\"channel\":\"plain\",\"event\":\"marker\",\"data\":null}");
        assertThat(named.nextText()).isEqualTo("{\"channel\":\"plain\",\"event\":\"marker\",\"data\":null}");
    }

    @Test
    void publishRefusals() {
        WsClient client = connect();
        assertThat(client.call("publish", "{}").getJsonObject("error"))
                .isEqualTo(json("{\"message\":\"Invalid RPC parameters\",\"errors\":{\"channel\":\"required\",\"data\":\"required\"}}"));
        assertThat(client.call("publish", "{\"channel\":\"c\"}").getJsonObject("error")).isEqualTo(invalid("data", "required"));
        assertThat(client.call("publish", "{\"channel\":\"Test\",\"data\":1}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Cannot publish to channel"));
        assertThat(client.call("publish", "{\"channel\":[1],\"data\":1}").getJsonObject("error"))
                .isEqualTo(invalid("channel", "Cannot publish to channel"));
    }

    @Test
    void aConnectionWithSeveralMatchingPatternsReceivesTheMessageOnce() {
        WsClient subscriber = connect();
        subscriber.call("subscribe", "{\"channel\":\"multi\",\"event\":\"a*\"}");
        subscriber.call("subscribe", "{\"channel\":\"multi\",\"event\":\"*b\"}");
        subscriber.call("subscribe", "{\"channel\":\"multi\",\"event\":\"ab\"}");
        subscriber.call("publish", "{\"channel\":\"multi\",\"event\":\"ab\",\"data\":1}"); // the publisher gets its own
        subscriber.call("publish", "{\"channel\":\"multi\",\"event\":\"after\",\"data\":2}"); // a marker, matched by a*
        assertThat(subscriber.nextText()).isEqualTo("{\"channel\":\"multi\",\"event\":\"ab\",\"data\":1}");
        assertThat(subscriber.nextText()).isEqualTo("{\"channel\":\"multi\",\"event\":\"after\",\"data\":2}");
    }

    @Test
    void everyMatchingSubscriberReceivesItNotOnlyTheFirstPatternsHolders() {
        WsClient first = connect();
        WsClient second = connect();
        WsClient third = connect();
        first.call("subscribe", "{\"channel\":\"all\",\"event\":\"x.*\"}");
        second.call("subscribe", "{\"channel\":\"all\",\"event\":\"*\"}");
        third.call("subscribe", "{\"channel\":\"all\",\"event\":\"x.[a-c]\"}");
        connect().call("publish", "{\"channel\":\"all\",\"event\":\"x.b\",\"data\":\"hi\"}");
        for (WsClient client : List.of(first, second, third)) {
            assertThat(client.next().getString("data")).isEqualTo("hi");
        }
    }

    @Test
    void patternCharactersOtherThanTheGlobSyntaxMatchOnlyThemselves() {
        WsClient subscriber = connect();
        subscriber.call("subscribe", "{\"channel\":\"dots\",\"event\":\"a.b\"}");
        WsClient publisher = connect();
        publisher.call("publish", "{\"channel\":\"dots\",\"event\":\"aXb\",\"data\":1}");
        publisher.call("publish", "{\"channel\":\"dots\",\"event\":\"a.b\",\"data\":2}");
        assertThat(subscriber.next().getInt("data")).isEqualTo(2);
    }

    @Test
    void messagesFromOnePublisherArriveInPublishOrder() {
        WsClient subscriber = connect();
        subscriber.call("subscribe", "{\"channel\":\"order\"}");
        WsClient publisher = connect();
        for (int i = 0; i < 500; i++) {
            publisher.request("publish", "{\"channel\":\"order\",\"data\":" + i + "}");
        }
        for (int i = 0; i < 500; i++) {
            assertThat(subscriber.next().getInt("data")).isEqualTo(i);
        }
    }

    @Test
    void theReplyToSubscribeComesBeforeTheFirstMessageOfThatSubscription() throws Exception {
        WsClient publisher = connect();
        AtomicBoolean roundsDone = new AtomicBoolean();
        AtomicReference<Throwable> floodFailure = new AtomicReference<>();
        // Publishes until every round is done, in windows of 20 whose replies it awaits, so that
        // publications are always on their way while the subscribers subscribe.
        Thread flood = new Thread(() -> {
            try {
                for (int n = 0; !roundsDone.get(); n += 20) {
                    publisher.callAll("publish", IntStream.range(n, n + 20)
                            .mapToObj(i -> "{\"channel\":\"race\",\"data\":" + i + "}").toList());
                }
            } catch (Throwable e) {
                floodFailure.set(e);
            }
        }, "flood");
        flood.start();
        try {
            for (int round = 0; round < 20; round++) {
                try (WsClient subscriber = WsClient.connect(stream())) {
                    String id = subscriber.request("subscribe", "{\"channel\":\"race\"}");
                    assertThat(subscriber.next().getString("id", null)).as("first frame after subscribe").isEqualTo(id);
                    // The flood was still going: the subscription's messages follow its reply.
                    JsonObject message = subscriber.next();
                    assertThat(message.getString("channel", null)).as("a flood message after the reply").isEqualTo("race");
                    assertThat(message.containsKey("id")).isFalse();
                }
            }
        } finally {
            roundsDone.set(true);
            flood.join();
        }
        assertThat(floodFailure.get()).isNull();
    }

    @Test
    void serverInfoCountsConnectionsAndPatternsAndClosingRemovesSubscriptionsAtOnce() {
        WsClient observer = connect();
        // Clients of earlier tests close asynchronously: count from when the observer is the only one.
        int before = 1;
        await().atMost(Duration.ofSeconds(20)).until(() ->
                observer.call("server_info", "{}").getJsonObject("response").getInt("connections") == before);
        WsClient a = connect();
        WsClient b = connect();
        a.call("subscribe", "{\"channel\":\"info\",\"event\":\"trade.*\"}");
        a.call("subscribe", "{\"channel\":\"info\"}");
        b.call("subscribe", "{\"channel\":\"info\"}");
        JsonObject info = observer.call("server_info", "{}").getJsonObject("response");
        assertThat(info.getInt("connections")).isEqualTo(before + 2);
        assertThat(info.getJsonObject("channels").getJsonObject("info")).isEqualTo(json("{\"trade.*\":1,\"*\":2}"));

        a.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonObject after = observer.call("server_info", "{}").getJsonObject("response");
            assertThat(after.getInt("connections")).isEqualTo(before + 1);
            assertThat(after.getJsonObject("channels").getJsonObject("info")).isEqualTo(json("{\"*\":1}"));
        });
        b.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(observer.call("server_info", "{}").getJsonObject("response").getJsonObject("channels").containsKey("info")).isFalse());
    }
}
