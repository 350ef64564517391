package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.api.PositionedSubscription;
import dev.streamrpc.api.Recovery;
import dev.streamrpc.api.StreamPosition;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.Publication;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Version 2 in the hub: offsets on delivered frames, recovery on subscribe, and no silent gaps in a channel's feed. */
class PositionsTest {

    private DisturbedBroker broker = DisturbedBroker.memory(100);
    private SocketsManager manager = manager(broker);

    private static SocketsManager manager(DisturbedBroker broker, String... settings) {
        return InProcessHub.start(broker, broker.pending, event -> { }, settings);
    }

    private void useHistoryOf(int size, String... settings) {
        broker = DisturbedBroker.memory(size);
        String[] all = java.util.Arrays.copyOf(settings, settings.length + 1);
        all[settings.length] = "stream.history.size=" + size;
        manager = manager(broker, all);
    }

    private void publish(String channel, String event, Object data) {
        manager.publish(channel, event, data).toCompletableFuture().join();
    }

    private static PositionedSubscription positioned(ConnectionChannels channels, String channel, String pattern, StreamPosition since) {
        return channels.subscribeWithPosition(channel, pattern, since).toCompletableFuture().join();
    }

    @Test
    void positionedSubscribersGetOffsetsAndTheOthersTheVersionOneFrame() {
        RecordingSubscriber plain = new RecordingSubscriber("plain");
        RecordingSubscriber positioned = new RecordingSubscriber("positioned");
        RecordingSubscriber byEvent = new RecordingSubscriber("by-event");   // another pattern: another group
        manager.register(plain).subscribe("p", "*").toCompletableFuture().join();
        PositionedSubscription at = positioned(manager.register(positioned), "p", "*", null);
        positioned(manager.register(byEvent), "p", "e", null);
        assertThat(at.position().offset()).isZero();
        assertThat(at.recovery()).isNull();
        publish("p", "e", 1);
        publish("p", "e", 2);
        assertThat(plain.texts()).containsExactly("{\"channel\":\"p\",\"event\":\"e\",\"data\":1}", "{\"channel\":\"p\",\"event\":\"e\",\"data\":2}");
        assertThat(positioned.texts()).containsExactly("{\"channel\":\"p\",\"event\":\"e\",\"data\":1,\"offset\":1}",
                "{\"channel\":\"p\",\"event\":\"e\",\"data\":2,\"offset\":2}");
        assertThat(byEvent.texts()).isEqualTo(positioned.texts());
        for (int i = 0; i < 2; i++) {
            assertThat(byEvent.received.get(i)).as("spliced once per publication").isSameAs(positioned.received.get(i));
        }
    }

    @Test
    void aConnectionThatAsksForPositionsOnAnyOfItsPatternsGetsThemOnAllOfThatChannel() {
        RecordingSubscriber both = new RecordingSubscriber("both");
        ConnectionChannels channels = manager.register(both);
        channels.subscribe("m", "a*").toCompletableFuture().join();
        positioned(channels, "m", "*b", null);
        publish("m", "ab", 1);
        publish("m", "ax", 2);
        assertThat(both.texts()).containsExactly("{\"channel\":\"m\",\"event\":\"ab\",\"data\":1,\"offset\":1}",
                "{\"channel\":\"m\",\"event\":\"ax\",\"data\":2,\"offset\":2}");
    }

    @Test
    void sinceRecoversWhatThePatternMissedThenLiveMessagesFollowWithNoGapAndNoDuplicate() {
        RecordingSubscriber first = new RecordingSubscriber("first");
        String epoch = positioned(manager.register(first), "r", "*", null).position().epoch();
        for (int i = 1; i <= 10; i++) {
            publish("r", i % 2 == 0 ? "even" : "odd", i);
        }
        RecordingSubscriber back = new RecordingSubscriber("back");
        PositionedSubscription resumed = positioned(manager.register(back), "r", "even", new StreamPosition(epoch, 5));
        assertThat(resumed.position()).isEqualTo(new StreamPosition(epoch, 10));
        assertThat(resumed.recovery().recovered()).isTrue();
        assertThat(resumed.recovery().publications()).extracting(Recovery.Publication::offset).containsExactly(6L, 8L, 10L);
        assertThat(resumed.recovery().publications().get(0).data().toString()).isEqualTo("6");
        publish("r", "even", 12);
        assertThat(back.texts()).containsExactly("{\"channel\":\"r\",\"event\":\"even\",\"data\":12,\"offset\":11}");
    }

    @Test
    void whatCannotBeRecoveredSaysWhy() {
        useHistoryOf(3, "stream.history.max-recovery=2");
        ConnectionChannels channels = manager.register(new RecordingSubscriber("c"));
        String epoch = positioned(channels, "why", "*", null).position().epoch();
        for (int i = 1; i <= 6; i++) {
            publish("why", "e", i);
        }
        assertThat(positioned(channels, "why", "*", new StreamPosition("other", 2)).recovery()).isEqualTo(Recovery.lost("epoch"));
        assertThat(positioned(channels, "why", "*", new StreamPosition(epoch, 1)).recovery()).isEqualTo(Recovery.lost("trimmed"));
        assertThat(positioned(channels, "why", "*", new StreamPosition(epoch, 3)).recovery()).isEqualTo(Recovery.lost("limit"));
        assertThat(positioned(channels, "why", "*", new StreamPosition(epoch, 4)).recovery().publications()).hasSize(2);
        useHistoryOf(0);
        ConnectionChannels off = manager.register(new RecordingSubscriber("off"));
        String offEpoch = positioned(off, "why", "*", null).position().epoch();
        assertThat(positioned(off, "why", "*", new StreamPosition(offEpoch, 0)).recovery()).isEqualTo(Recovery.lost("off"));
    }

    @Test
    void aPositionOfTheCurrentEpochAfterTheLastPublicationIsRefusedAndTheSubscribeUndone() {
        ConnectionChannels channels = manager.register(new RecordingSubscriber("r"));
        String epoch = positioned(manager.register(new RecordingSubscriber("other")), "inv", "*", null).position().epoch();
        publish("inv", "e", 1);
        assertThatThrownBy(() -> positioned(channels, "inv", "*", new StreamPosition(epoch, 99)))
                .cause().isInstanceOfSatisfying(ChannelException.class,
                        e -> assertThat(e.field() + ": " + e.getMessage()).isEqualTo("since: Invalid position"));
        assertThat(channels.subscriptions()).isEmpty();
        assertThat(positioned(channels, "inv", "*", new StreamPosition("an-old-epoch", 99)).recovery().reason())
                .as("another epoch is not refused: its history is lost").isEqualTo("epoch");
    }

    @Test
    void aSkipInTheFeedIsFilledFromTheHistoryBeforeAnythingLater() {
        RecordingSubscriber positioned = new RecordingSubscriber("positioned");
        RecordingSubscriber plain = new RecordingSubscriber("plain");
        positioned(manager.register(positioned), "skip", "*", null);
        manager.register(plain).subscribe("skip", "*").toCompletableFuture().join();
        broker.feed = publication -> publication.offset() == 3 || publication.offset() == 4 ? null : publication;
        for (int i = 1; i <= 6; i++) {
            publish("skip", "e", i);
        }
        assertThat(positioned.texts()).extracting(text -> text.replaceAll(".*\"offset\":(\\d+)}", "$1"))
                .containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(plain.texts()).as("filled for everyone").hasSize(6);
        assertThat(manager.stats().gapsFilled()).isEqualTo(2);
    }

    @Test
    void whatTheHistoryNoLongerHoldsIsAnnouncedAsAGapToPositionedSubscribersOnly() {
        useHistoryOf(0);
        RecordingSubscriber positioned = new RecordingSubscriber("positioned");
        RecordingSubscriber plain = new RecordingSubscriber("plain");
        positioned(manager.register(positioned), "lost", "*", null);
        manager.register(plain).subscribe("lost", "*").toCompletableFuture().join();
        broker.feed = publication -> publication.offset() == 2 || publication.offset() == 3 ? null : publication;
        for (int i = 1; i <= 4; i++) {
            publish("lost", "e", i);
        }
        // Publishing is acknowledged once the fan-out has caught up; filling a gap takes one more turn.
        await().untilAsserted(() -> assertThat(positioned.texts()).containsExactly(
                "{\"channel\":\"lost\",\"event\":\"e\",\"data\":1,\"offset\":1}",
                "{\"channel\":\"lost\",\"gap\":{\"from\":2,\"to\":3}}",
                "{\"channel\":\"lost\",\"event\":\"e\",\"data\":4,\"offset\":4}"));
        assertThat(plain.texts()).hasSize(2);
    }

    @Test
    void aNewEpochIsAnnouncedOnceBeforeItsFirstMessage() {
        RecordingSubscriber positioned = new RecordingSubscriber("positioned");
        positioned(manager.register(positioned), "lost-history", "*", null);
        publish("lost-history", "e", 1);
        publish("lost-history", "e", 2);
        // As if the history were lost: the stream starts over in a new epoch.
        broker.feed = publication -> new Publication("n3w", publication.offset() - 2, publication.event(), publication.message());
        publish("lost-history", "e", 3);
        publish("lost-history", "e", 4);
        assertThat(positioned.texts()).containsExactly(
                "{\"channel\":\"lost-history\",\"event\":\"e\",\"data\":1,\"offset\":1}",
                "{\"channel\":\"lost-history\",\"event\":\"e\",\"data\":2,\"offset\":2}",
                "{\"channel\":\"lost-history\",\"gap\":{\"from\":3,\"epoch\":\"n3w\"}}",
                "{\"channel\":\"lost-history\",\"event\":\"e\",\"data\":3,\"offset\":1}",
                "{\"channel\":\"lost-history\",\"event\":\"e\",\"data\":4,\"offset\":2}");
    }

    @Test
    void aSubscriberThatRecoveredBeyondThisServersFeedGetsNothingTwice() {
        RecordingSubscriber early = new RecordingSubscriber("early");
        String epoch = positioned(manager.register(early), "ahead", "*", null).position().epoch();
        publish("ahead", "e", 1);
        broker.holding = true;                       // 2 and 3 are stored but not yet here
        publish("ahead", "e", 2);
        publish("ahead", "e", 3);
        RecordingSubscriber late = new RecordingSubscriber("late");
        PositionedSubscription resumed = positioned(manager.register(late), "ahead", "*", new StreamPosition(epoch, 3));
        assertThat(resumed.position()).isEqualTo(new StreamPosition(epoch, 3));
        assertThat(resumed.recovery()).isEqualTo(Recovery.recovered(List.of()));
        broker.release("ahead");
        publish("ahead", "e", 4);
        assertThat(late.texts()).containsExactly("{\"channel\":\"ahead\",\"event\":\"e\",\"data\":4,\"offset\":4}");
        assertThat(early.received).hasSize(4);
    }

    @Test
    void whatComesBeforeTheBrokersConfirmationOfTheSubscribeIsDeliveredAfterThePositionItConfirms() {
        useHistoryOf(0);   // nothing could be filled in from the history later
        broker.confirming = new CompletableFuture<>();
        RecordingSubscriber plain = new RecordingSubscriber("plain");
        RecordingSubscriber positioned = new RecordingSubscriber("positioned");
        CompletableFuture<?> plainJoined = manager.register(plain).subscribe("early", "*").toCompletableFuture();
        CompletableFuture<PositionedSubscription> at = manager.register(positioned)
                .subscribeWithPosition("early", "*", null).toCompletableFuture();
        publish("early", "e", 1);   // the broker has subscribed and hands it over; the hub still waits for the confirmation
        broker.confirming.complete(null);
        plainJoined.join();
        assertThat(at.join().position().offset()).isZero();
        publish("early", "e", 2);   // the marker: if 1 was lost, 2 comes alone (or after a gap)
        await().untilAsserted(() -> assertThat(plain.texts()).last().asString().contains("\"data\":2"));
        await().untilAsserted(() -> assertThat(positioned.texts()).last().asString().contains("\"data\":2"));
        assertThat(plain.texts()).containsExactly("{\"channel\":\"early\",\"event\":\"e\",\"data\":1}",
                "{\"channel\":\"early\",\"event\":\"e\",\"data\":2}");
        assertThat(positioned.texts()).containsExactly("{\"channel\":\"early\",\"event\":\"e\",\"data\":1,\"offset\":1}",
                "{\"channel\":\"early\",\"event\":\"e\",\"data\":2,\"offset\":2}");
        assertThat(positioned.repliesAfter).as("the reply goes before the publications after its position").containsExactly(0);
    }

    @Test
    void whatCameBeforeARefusedConfirmationIsLetGoOf() {
        broker.confirming = new CompletableFuture<>();
        CompletableFuture<?> joined = manager.register(new RecordingSubscriber("refused")).subscribe("refused", "*").toCompletableFuture();
        publish("refused", "e", 1);
        assertThat(broker.pending.used()).as("held for the members meanwhile").isPositive();
        broker.confirming.completeExceptionally(new CannotSubscribe("refused"));
        assertThatThrownBy(joined::join).hasRootCauseInstanceOf(CannotSubscribe.class);
        assertThat(broker.pending.used()).as("its charge released").isZero();
    }

    @Test
    void underFourPublishersASubscriberRecoveringMidStreamSeesEveryOffsetOnceInOrder() throws Exception {
        useHistoryOf(10_000, "stream.history.max-recovery=10000", "stream.max-queued-bytes=67108864");
        RecordingSubscriber first = new RecordingSubscriber("first");
        String epoch = positioned(manager.register(first), "busy", "*", null).position().epoch();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> publishing = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int publisher = p;
            publishing.add(pool.submit(() -> {
                for (int i = 0; i < 2000; i++) {
                    publish("busy", "p" + publisher, i);
                }
            }));
        }
        while (first.received.size() < 1000) {
            Thread.onSpinWait();
        }
        long resumeAfter = 500;
        RecordingSubscriber late = new RecordingSubscriber("late");
        PositionedSubscription resumed = positioned(manager.register(late), "busy", "*", new StreamPosition(epoch, resumeAfter));
        for (Future<?> done : publishing) {
            done.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        List<Long> offsets = new ArrayList<>();
        resumed.recovery().publications().forEach(p -> offsets.add(p.offset()));
        late.texts().forEach(text -> offsets.add(Long.parseLong(text.replaceAll(".*\"offset\":(\\d+)}", "$1"))));
        assertThat(resumed.recovery().recovered()).as(resumed.recovery().reason()).isTrue();
        assertThat(resumed.position().offset()).as("publishing was under way").isBetween(resumeAfter + 1, 7999L);
        assertThat(offsets).hasSize(8000 - (int) resumeAfter);
        for (int i = 0; i < offsets.size(); i++) {
            assertThat(offsets.get(i)).isEqualTo(resumeAfter + 1 + i);
        }
    }
}
