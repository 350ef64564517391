package dev.streamrpc.broker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every broker must do, run against each implementation: the in-memory broker and the
 * Redis broker pass the same tests.
 */
public abstract class BrokerContract {

    /** One inbound publication as the callback saw it. */
    public record Seen(String channel, String event, String text) {
    }

    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected final List<Seen> seen = new CopyOnWriteArrayList<>();
    protected PendingBytes pending = new PendingBytes(1 << 30);
    protected Broker broker;

    /** A new, not yet started broker charging {@code pending}. */
    protected abstract Broker newBroker(PendingBytes pending) throws Exception;

    /** Records a publication and releases its charge, as the hub does once it has fanned it out. */
    protected void record(String channel, String event, EncodedMessage message) {
        seen.add(new Seen(channel, event, message.text()));
        pending.release(message.size());
    }

    @BeforeEach
    void startBroker() throws Exception {
        broker = newBroker(pending);
        broker.start(this::record);
    }

    @AfterEach
    void closeBroker() {
        broker.close();
    }

    protected static <T> T done(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
    }

    @Test
    void aPublicationOnASubscribedChannelReachesTheCallbackUnchanged() {
        done(broker.subscribe("news"));
        done(broker.publish("news", "breaking.é", EncodedMessage.of("{\"channel\":\"news\",\"event\":\"breaking.é\",\"data\":\"ü\"}")));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).containsExactly(new Seen("news", "breaking.é", "{\"channel\":\"news\",\"event\":\"breaking.é\",\"data\":\"ü\"}"));
    }

    @Test
    void anEmptyEventNameSurvives() {
        done(broker.subscribe("plain"));
        done(broker.publish("plain", "", EncodedMessage.of("{}")));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen.get(0).event()).isEmpty();
    }

    @Test
    void channelsNotSubscribedAreNotDelivered() {
        done(broker.subscribe("wanted"));
        done(broker.publish("other", "e", EncodedMessage.of("1")));
        done(broker.publish("wanted", "e", EncodedMessage.of("2")));
        await().atMost(WAIT).until(() -> !seen.isEmpty());
        assertThat(seen).extracting(Seen::text).containsExactly("2");
    }

    @Test
    void afterUnsubscribeNothingMoreArrives() {
        done(broker.subscribe("brief"));
        done(broker.publish("brief", "e", EncodedMessage.of("1")));
        await().atMost(WAIT).until(() -> seen.size() == 1);
        done(broker.unsubscribe("brief"));
        done(broker.subscribe("marker"));
        done(broker.publish("brief", "e", EncodedMessage.of("2")));
        done(broker.publish("marker", "e", EncodedMessage.of("3")));
        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).extracting(Seen::text).containsExactly("1", "3");
    }

    @Test
    void onePublishersMessagesArriveInOrderAndEveryChargeIsReleased() {
        done(broker.subscribe("ordered"));
        List<CompletableFuture<Void>> acknowledged = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 2000; i++) {
            acknowledged.add(broker.publish("ordered", "n", EncodedMessage.of(Integer.toString(i))).toCompletableFuture());
        }
        done(CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)));
        await().atMost(WAIT).until(() -> seen.size() == 2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(seen.get(i).text()).isEqualTo(Integer.toString(i));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(pending.used()).isZero());
    }

    @Test
    void aPublicationThatDoesNotFitThePendingBudgetIsRefused() throws Exception {
        broker.close();
        pending = new PendingBytes(100);
        broker = newBroker(pending);
        broker.start(this::record);
        done(broker.subscribe("big"));
        CompletableFuture<Void> refused = broker.publish("big", "e", EncodedMessage.of("x".repeat(200))).toCompletableFuture();
        assertThatThrownBy(() -> done(refused)).isInstanceOf(CompletionException.class).hasCauseInstanceOf(CannotPublish.class);
        done(broker.publish("big", "e", EncodedMessage.of("small")));
        await().atMost(WAIT).until(() -> seen.size() == 1);
        assertThat(seen.get(0).text()).isEqualTo("small");
    }
}
