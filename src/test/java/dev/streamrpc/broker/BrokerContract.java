package dev.streamrpc.broker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every broker must do, run against each implementation: the in-memory broker and the
 * Redis broker pass the same tests.
 */
public abstract class BrokerContract {

    /** One inbound publication as the callback saw it. */
    public record Seen(String channel, String event, String text) {
    }

    private static final Duration WAIT = Duration.ofSeconds(10);

    protected final List<Seen> seen = new CopyOnWriteArrayList<>();
    protected Broker broker;

    /** A new, not yet started broker. */
    protected abstract Broker newBroker() throws Exception;

    @BeforeEach
    void startBroker() throws Exception {
        broker = newBroker();
        broker.start((channel, event, message) -> seen.add(new Seen(channel, event, message.text())));
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    @Test
    void aPublicationOnASubscribedChannelReachesTheCallbackUnchanged() throws Exception {
        broker.subscribe("news");
        broker.publish("news", "breaking.é", EncodedMessage.of("{\"channel\":\"news\",\"event\":\"breaking.é\",\"data\":\"ü\"}"));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly(new Seen("news", "breaking.é", "{\"channel\":\"news\",\"event\":\"breaking.é\",\"data\":\"ü\"}"));
    }

    @Test
    void anEmptyEventNameSurvives() throws Exception {
        broker.subscribe("plain");
        broker.publish("plain", "", EncodedMessage.of("{}"));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen.get(0).event()).isEmpty();
    }

    @Test
    void channelsNotSubscribedAreNotDelivered() throws Exception {
        broker.subscribe("wanted");
        broker.publish("other", "e", EncodedMessage.of("1"));
        broker.publish("wanted", "e", EncodedMessage.of("2"));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).extracting(Seen::text).containsExactly("2");
    }

    @Test
    void afterUnsubscribeNothingMoreArrives() throws Exception {
        broker.subscribe("brief");
        broker.publish("brief", "e", EncodedMessage.of("1"));
        await().atMost(WAIT).until(() -> seen.size() == 1);
        broker.unsubscribe("brief");
        broker.subscribe("marker");
        broker.publish("brief", "e", EncodedMessage.of("2"));
        broker.publish("marker", "e", EncodedMessage.of("3"));
        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).extracting(Seen::text).containsExactly("1", "3");
    }

    @Test
    void onePublishersMessagesArriveInOrder() throws Exception {
        broker.subscribe("ordered");
        for (int i = 0; i < 2000; i++) {
            broker.publish("ordered", "n", EncodedMessage.of(Integer.toString(i)));
        }
        await().atMost(WAIT).until(() -> seen.size() == 2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(seen.get(i).text()).isEqualTo(Integer.toString(i));
        }
    }
}
