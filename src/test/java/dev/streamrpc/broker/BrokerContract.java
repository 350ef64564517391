package dev.streamrpc.broker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
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

    /** Every inbound publication with its position, in arrival order. */
    protected final List<Publication> positions = new CopyOnWriteArrayList<>();

    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected final List<Seen> seen = new CopyOnWriteArrayList<>();
    protected PendingBytes pending = new PendingBytes(1 << 30);
    protected Broker broker;

    /** A new, not yet started broker charging {@code pending}, keeping {@code historySize} publications for {@code ttl}. */
    protected abstract Broker newBroker(PendingBytes pending, int historySize, Duration ttl) throws Exception;

    /** Records a publication and releases its charge, as the hub does once it has fanned it out. */
    protected void record(String channel, Publication publication) {
        positions.add(publication);
        seen.add(new Seen(channel, publication.event(), publication.message().text()));
        pending.release(publication.message().size());
    }

    /** Replaces the broker with one of these history settings. */
    protected void restart(int historySize, Duration ttl) throws Exception {
        broker.close();
        broker = newBroker(pending, historySize, ttl);
        broker.start(this::record);
    }

    @BeforeEach
    void startBroker() throws Exception {
        broker = newBroker(pending, 100, Duration.ofMinutes(5));
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
        // In waves of 250 in flight: 2,000 at once could keep the last waiting behind the others for
        // longer than a test broker's short timeout on a loaded machine (the order is what is tested).
        for (int wave = 0; wave < 2000; wave += 250) {
            List<CompletableFuture<Void>> acknowledged = new CopyOnWriteArrayList<>();
            for (int i = wave; i < wave + 250; i++) {
                acknowledged.add(broker.publish("ordered", "n", EncodedMessage.of(Integer.toString(i))).toCompletableFuture());
            }
            done(CompletableFuture.allOf(acknowledged.toArray(CompletableFuture[]::new)));
        }
        await().atMost(WAIT).until(() -> seen.size() == 2000);
        for (int i = 0; i < 2000; i++) {
            assertThat(seen.get(i).text()).isEqualTo(Integer.toString(i));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(pending.used()).isZero());
    }

    @Test
    void aPublicationThatDoesNotFitThePendingBudgetIsRefused() throws Exception {
        pending = new PendingBytes(100);
        restart(100, Duration.ofMinutes(5));
        done(broker.subscribe("big"));
        CompletableFuture<Void> refused = broker.publish("big", "e", EncodedMessage.of("x".repeat(200))).toCompletableFuture();
        assertThatThrownBy(() -> done(refused)).isInstanceOf(CompletionException.class).hasCauseInstanceOf(CannotPublish.class);
        done(broker.publish("big", "e", EncodedMessage.of("small")));
        await().atMost(WAIT).until(() -> seen.size() == 1);
        assertThat(seen.get(0).text()).isEqualTo("small");
    }

    @Test
    void offsetsCountFromOneInPublishOrderAndSubscribeSaysWhereTheStreamIs() {
        String channel = unique("offsets");
        StreamState fresh = done(broker.subscribe(channel));
        assertThat(fresh.offset()).isZero();
        for (int i = 0; i < 5; i++) {
            done(broker.publish(channel, "e", EncodedMessage.of(Integer.toString(i))));
        }
        await().atMost(WAIT).until(() -> positions.size() == 5);
        assertThat(positions).extracting(Publication::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(positions).extracting(Publication::epoch).containsOnly(fresh.epoch());
        done(broker.unsubscribe(channel));
        assertThat(done(broker.subscribe(channel))).isEqualTo(new StreamState(fresh.epoch(), 5));
    }

    @Test
    void theHistoryHoldsTheLastPublicationsAfterAnOffsetInOrder() throws Exception {
        restart(10, Duration.ofMinutes(5));
        String channel = unique("history");
        for (int i = 1; i <= 25; i++) {
            done(broker.publish(channel, "e" + i, EncodedMessage.of("{\"n\":" + i + "}")));
        }
        History after20 = done(broker.history(channel, 20, 100));
        assertThat(after20.state().offset()).isEqualTo(25);
        assertThat(after20.publications()).extracting(Publication::offset).containsExactly(21L, 22L, 23L, 24L, 25L);
        assertThat(after20.publications().get(0).event()).isEqualTo("e21");
        assertThat(after20.publications().get(0).message().text()).isEqualTo("{\"n\":21}");
        assertThat(done(broker.history(channel, 0, 100)).publications()).extracting(Publication::offset)
                .as("only the last 10 are held").containsExactly(16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L, 24L, 25L);
        assertThat(done(broker.history(channel, 20, 2)).publications()).extracting(Publication::offset).containsExactly(21L, 22L);
    }

    @Test
    void aChannelsEpochStaysTheSameFromItsFirstReadToItsPublications() {
        String channel = unique("epoch");
        String epoch = done(broker.history(channel, 0, 0)).state().epoch();
        assertThat(epoch).isNotBlank();
        done(broker.publish(channel, "e", EncodedMessage.of("1")));
        assertThat(done(broker.history(channel, 0, 10)).publications()).extracting(Publication::epoch).containsExactly(epoch);
        assertThat(done(broker.subscribe(channel)).epoch()).isEqualTo(epoch);
    }

    @Test
    void publicationsOlderThanTheTtlAreNoLongerHeld() throws Exception {
        restart(100, Duration.ofMillis(300));
        String channel = unique("ttl");
        done(broker.publish(channel, "e", EncodedMessage.of("old")));
        await().atMost(WAIT).until(() -> done(broker.history(channel, 0, 10)).publications().isEmpty());
    }

    @Test
    void withHistoryOffOffsetsStillCountButNothingIsHeld() throws Exception {
        restart(0, Duration.ofMinutes(5));
        String channel = unique("off");
        done(broker.subscribe(channel));
        done(broker.publish(channel, "e", EncodedMessage.of("1")));
        done(broker.publish(channel, "e", EncodedMessage.of("2")));
        await().atMost(WAIT).until(() -> positions.size() == 2);
        assertThat(positions).extracting(Publication::offset).containsExactly(1L, 2L);
        History history = done(broker.history(channel, 0, 10));
        assertThat(history.publications()).isEmpty();
        assertThat(history.state().offset()).isEqualTo(2);
    }

    /** A channel name no other test (nor an earlier run on the same Redis) uses. */
    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
