package dev.streamrpc.client;

import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing and recovery, fed the frames of protocol sections 4 and 7 as a server sends them.
 * Callbacks run on the calling thread here, so what a handler saw is known after each frame.
 */
class SubscriptionsTest {

    private final List<String> seen = new ArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    private final Subscriptions subscriptions = new Subscriptions(new HandlerQueue(Runnable::run), new Wire(JsonbBuilder.create()));
    private final Consumer<Message> recorder = message -> seen.add(message.event() + "@" + message.offset().orElse(-1));

    @Test
    void aPositionedChannelDeliversEachOffsetOnceAndCreditsEveryFrame() {
        subscribe("c", "*", recorder, position("e1", 5));
        live("c", "a", 6);
        live("c", "a", 6);
        live("c", "a", 5);
        live("c", "b", 7);
        assertThat(seen).containsExactly("a@6", "b@7");
        assertThat(reads).hasValue(4);
    }

    @Test
    void aMessageGoesOnlyToMatchingHandlersAndOnceToAHandlerHeldByTwoMatchingSubscriptions() {
        List<String> other = new ArrayList<>();
        subscribe("c", "trade.*", recorder, "{}");
        subscribe("c", "*.btc", recorder, "{}");
        subscribe("c", "news", message -> other.add(message.event()), "{}");
        live("c", "trade.btc", -1);
        live("c", "trade.eth", -1);
        live("c", "news", -1);
        live("elsewhere", "trade.btc", -1);
        assertThat(seen).containsExactly("trade.btc@-1", "trade.eth@-1");
        assertThat(other).containsExactly("news");
        assertThat(reads).hasValue(4);
    }

    @Test
    void recoveryMergesEveryPatternsPublicationsWithTheLiveMessagesInOffsetOrderWithoutRepeats() {
        subscribe("c", "a.*", recorder, position("e1", 10));
        subscribe("c", "*.x", recorder, position("e1", 10));

        List<Subscriptions.Restore> restores = subscriptions.restore();
        assertThat(restores).extracting(Subscriptions.Restore::payload).containsExactly(
                Map.of("channel", "c", "event", "a.*", "since", Map.of("epoch", "e1", "offset", 10L)),
                Map.of("channel", "c", "event", "*.x", "since", Map.of("epoch", "e1", "offset", 10L)));

        recovered(restores.get(0), "e1", 13, publication("a.x", 11), publication("a.y", 13));
        live("c", "a.z", 14);      // live for the pattern already restored
        assertThat(seen).as("nothing before the channel's last reply").isEmpty();

        recovered(restores.get(1), "e1", 15, publication("a.x", 11), publication("b.x", 12), publication("c.x", 15));
        live("c", "a.z", 14);      // already delivered
        live("c", "a.w", 16);

        assertThat(seen).containsExactly("a.x@11", "b.x@12", "a.y@13", "a.z@14", "c.x@15", "a.w@16");
        assertThat(reads).hasValue(3);
    }

    @Test
    void aFailedRecoveryTellsTheLostListenersOfThatPatternWithTheServersReasonBeforeLaterMessages() {
        subscribe("c", "a.*", recorder, position("e1", 10));
        subscribe("c", "b.*", recorder, position("e1", 10));
        List<Subscriptions.Restore> restores = subscriptions.restore();
        notRecovered(restores.get(0), "e1", 500, "trimmed");
        recovered(restores.get(1), "e1", 500, publication("b.1", 450));
        live("c", "a.2", 501);
        assertThat(seen).containsExactly("lost a.* trimmed", "b.1@450", "a.2@501");
    }

    @Test
    void aNewEpochAfterAReconnectStartsOffsetsAgain() {
        subscribe("c", "*", recorder, position("old", 41));
        live("c", "before", 42);
        Subscriptions.Restore restore = subscriptions.restore().get(0);
        assertThat(restore.payload()).containsEntry("since", Map.of("epoch", "old", "offset", 42L));
        notRecovered(restore, "new", 2, "epoch");
        live("c", "after", 3);
        assertThat(seen).containsExactly("before@42", "lost * epoch", "after@3");
        assertThat(subscriptions.restore().get(0).payload()).containsEntry("since", Map.of("epoch", "new", "offset", 3L));
    }

    @Test
    void aNewEpochDuringARecoveryDeliversWhatTheOldOneHeldTellsEachSubscriptionOnceAndStartsOffsetsAgain() {
        subscribe("c", "a.*", recorder, position("e1", 40));
        subscribe("c", "b.*", recorder, position("e1", 40));
        List<Subscriptions.Restore> restores = subscriptions.restore();
        recovered(restores.get(0), "e1", 41, publication("a.x", 41));
        live("c", "a.y", 42);
        subscriptions.gap(Wire.parse("{\"channel\":\"c\",\"gap\":{\"from\":43,\"epoch\":\"e2\"}}"));
        live("c", "a.z", 1);
        notRecovered(restores.get(1), "e2", 1, "epoch");
        live("c", "a.w", 2);
        live("c", "b.v", 3);

        assertThat(seen).containsExactly("a.x@41", "a.y@42", "lost a.* epoch", "lost b.* epoch", "a.z@1", "a.w@2", "b.v@3");
        assertThat(subscriptions.restore().get(0).payload()).containsEntry("since", Map.of("epoch", "e2", "offset", 3L));
    }

    @Test
    void aPatternAddedToAHeldChannelTakesItsRepliesPositionSoAReconnectResumesFromThere() {
        subscribe("c", "trade.*", recorder, position("e1", 41));
        subscribe("c", "news", recorder, position("e1", 541));
        live("c", "news", 541);     // cannot come: the reply said it went before
        live("c", "news", 542);
        subscriptions.connectionLost();
        assertThat(subscriptions.restore()).extracting(Subscriptions.Restore::payload).allSatisfy(payload ->
                assertThat(payload).containsEntry("since", Map.of("epoch", "e1", "offset", 542L)));
        assertThat(seen).containsExactly("news@542");
    }

    @Test
    void aPatternAddedWhileTheChannelRecoversLeavesWhatTheRecoveryHoldsToBeDelivered() {
        subscribe("c", "a.*", recorder, position("e1", 10));
        subscribe("c", "b.*", recorder, position("e1", 10));
        List<Subscriptions.Restore> restores = subscriptions.restore();
        recovered(restores.get(0), "e1", 12, publication("a.1", 11), publication("a.2", 12));
        subscribe("c", "news", recorder, position("e1", 20));
        recovered(restores.get(1), "e1", 12);
        subscriptions.connectionLost();
        assertThat(seen).containsExactly("a.1@11", "a.2@12");
        assertThat(subscriptions.restore().get(0).payload()).containsEntry("since", Map.of("epoch", "e1", "offset", 20L));
    }

    @Test
    void aGapTellsEverySubscriptionOfTheChannelAndANewEpochInAGapStartsOffsetsAgain() {
        subscribe("c", "a", recorder, position("e1", 37));
        subscribe("c", "b", recorder, position("e1", 37));
        subscriptions.gap(Wire.parse("{\"channel\":\"c\",\"gap\":{\"from\":38,\"to\":40}}"));
        live("c", "a", 41);
        subscriptions.gap(Wire.parse("{\"channel\":\"c\",\"gap\":{\"from\":42,\"epoch\":\"e2\"}}"));
        live("c", "b", 1);
        assertThat(seen).containsExactly("lost a gap", "lost b gap", "a@41", "lost a epoch", "lost b epoch", "b@1");
    }

    @Test
    void withoutPositionsAReconnectAsksForThemDeliversAsMessagesComeAndSaysWhatMayBeLost() {
        subscribe("c", "*", recorder, "{\"subscribed\":{\"c\":[\"*\"]}}");
        live("c", "one", -1);
        Subscriptions.Restore restore = subscriptions.restore().get(0);
        assertThat(restore.payload()).isEqualTo(Map.of("channel", "c", "event", "*", "position", true));
        subscriptions.restored(restore, Wire.parse("{\"subscribed\":{\"c\":[\"*\"]}}"), null);
        live("c", "two", -1);
        assertThat(seen).containsExactly("one@-1", "lost * unsupported", "two@-1");
    }

    @Test
    void aConnectionLostDuringRecoveryKeepsThePositionSoTheNextRecoveryAsksAgainFromIt() {
        subscribe("c", "a.*", recorder, position("e1", 10));
        subscribe("c", "b.*", recorder, position("e1", 10));
        List<Subscriptions.Restore> first = subscriptions.restore();
        recovered(first.get(0), "e1", 11, publication("a.1", 11));
        live("c", "a.2", 12);
        subscriptions.connectionLost();
        recovered(first.get(1), "e1", 12);
        assertThat(seen).as("a reply from the dropped connection changes nothing").isEmpty();

        List<Subscriptions.Restore> second = subscriptions.restore();
        assertThat(second.get(0).payload()).containsEntry("since", Map.of("epoch", "e1", "offset", 10L));
        recovered(second.get(0), "e1", 12, publication("a.1", 11), publication("a.2", 12));
        recovered(second.get(1), "e1", 12);
        assertThat(seen).containsExactly("a.1@11", "a.2@12");
    }

    @Test
    void withoutPositionsWhatWasHeldWhenTheConnectionDropsIsDeliveredNotDropped() {
        subscribe("c", "a", recorder, "{}");
        subscribe("c", "b", recorder, "{}");
        List<Subscriptions.Restore> restores = subscriptions.restore();
        subscriptions.restored(restores.get(0), Wire.parse("{}"), null);
        live("c", "a", -1);
        subscriptions.connectionLost();
        assertThat(seen).containsExactly("lost a unsupported", "a@-1");
    }

    @Test
    void anUnsubscribedHandlerGetsNothingMoreAndTheServerIsToldOnlyWhenNoOtherSubscriptionHoldsThePattern() {
        Subscription first = subscribe("c", "*", recorder, "{}");
        Subscription second = subscribe("c", "*", message -> seen.add("second " + message.event()), "{}");
        assertThat(subscriptions.removed(first)).isFalse();
        live("c", "x", -1);
        assertThat(subscriptions.removed(second)).isTrue();
        live("c", "y", -1);
        assertThat(seen).containsExactly("second x");
        assertThat(subscriptions.restore()).isEmpty();
    }

    private Subscription subscribe(String channel, String pattern, Consumer<Message> handler, String reply) {
        Subscription subscription = new Subscription(null, channel, pattern, Glob.compile(pattern), handler);
        subscription.onLost(reason -> seen.add("lost " + pattern + " " + reason));
        subscriptions.added(subscription, Wire.parse(reply));
        return subscription;
    }

    private void live(String channel, String event, long offset) {
        subscriptions.deliver(Wire.parse("{\"channel\":\"" + channel + "\",\"event\":\"" + event + "\",\"data\":null"
                + (offset < 0 ? "" : ",\"offset\":" + offset) + "}"), reads::incrementAndGet);
    }

    /** A subscribe reply with a position. */
    private static String position(String epoch, long offset) {
        return "{\"subscribed\":{},\"position\":{\"epoch\":\"" + epoch + "\",\"offset\":" + offset + "}}";
    }

    /** The reply to a resubscribe that recovered these publications. */
    private void recovered(Subscriptions.Restore restore, String epoch, long offset, String... publications) {
        subscriptions.restored(restore, Wire.parse(position(epoch, offset).replaceFirst("}$",
                ",\"recovered\":true,\"publications\":[" + String.join(",", publications) + "]}")), null);
    }

    /** The reply to a resubscribe that could not recover. */
    private void notRecovered(Subscriptions.Restore restore, String epoch, long offset, String reason) {
        subscriptions.restored(restore, Wire.parse(position(epoch, offset).replaceFirst("}$",
                ",\"recovered\":false,\"reason\":\"" + reason + "\",\"publications\":[]}")), null);
    }

    private static String publication(String event, long offset) {
        return "{\"event\":\"" + event + "\",\"data\":{\"n\":" + offset + "},\"offset\":" + offset + "}";
    }
}
