package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelActivated;
import dev.streamrpc.api.ChannelDeactivated;
import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.PositionedSubscription;
import dev.streamrpc.api.StreamPosition;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.CannotSubscribe;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.StreamState;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.memory.MemoryBroker;
import org.junit.jupiter.api.Test;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The hub on its own: fan-out, channel transitions, the broker's answers, cleanup, and concurrency. */
class SocketsManagerTest {

    /**
     * The in-memory broker, recording the hub's subscribe and unsubscribe calls in order; a
     * channel named in {@code held} gets no answer until the test gives one.
     */
    static final class RecordingBroker implements Broker {
        final PendingBytes pending = new PendingBytes(1 << 30);
        final MemoryBroker delegate = new MemoryBroker(pending, 100, java.time.Duration.ofMinutes(5), 1 << 20);
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Map<String, CompletableFuture<Void>> held = new java.util.concurrent.ConcurrentHashMap<>();
        volatile boolean closed;

        @Override public void start(BrokerCallback callback) { delegate.start(callback); }
        @Override public CompletionStage<Void> publish(String channel, String event, EncodedMessage message) {
            return delegate.publish(channel, event, message);
        }
        @Override public CompletionStage<StreamState> subscribe(String channel) {
            calls.add("subscribe " + channel);
            CompletableFuture<Void> answer = held.get(channel);
            return answer == null ? delegate.subscribe(channel) : answer.thenCompose(ok -> delegate.subscribe(channel));
        }
        @Override public CompletionStage<History> history(String channel, long after, int limit) {
            return delegate.history(channel, after, limit);
        }
        @Override public CompletionStage<Void> unsubscribe(String channel) {
            calls.add("unsubscribe " + channel);
            return delegate.unsubscribe(channel);
        }
        @Override public void close() { closed = true; delegate.close(); }
    }

    private final RecordingBroker broker = new RecordingBroker();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final SocketsManager manager = manager("stream.broker.timeout=PT0.5S");

    private SocketsManager manager(String... settings) {
        return InProcessHub.start(broker, broker.pending, events::add, settings);
    }

    private ConnectionChannels join(RecordingSubscriber subscriber) {
        return manager.register(subscriber);
    }

    private static Map<String, List<String>> subscribed(ConnectionChannels channels, String channel, String pattern) {
        return channels.subscribe(channel, pattern).toCompletableFuture().join();
    }

    private void publish(String channel, String event, Object data) {
        manager.publish(channel, event, data).toCompletableFuture().join();
    }

    @Test
    void aMessageIsEncodedOnceAndTheSameTextGoesToEverySubscriber() {
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber("s" + i);
            subscribed(join(subscriber), "prices", i % 2 == 0 ? "*" : "trade.*");
            subscribers.add(subscriber);
        }
        publish("prices", "trade.btc", Map.of("price", 1));
        EncodedMessage first = subscribers.get(0).received.get(0);
        assertThat(first.text()).isEqualTo("{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
        for (RecordingSubscriber subscriber : subscribers) {
            assertThat(subscriber.received).hasSize(1);
            assertThat(subscriber.received.get(0)).isSameAs(first);
        }
    }

    @Test
    void publicationsThatQueueUpBehindTheFanOutAreHandedOverTogetherInOrder() throws Exception {
        Blocking slow = new Blocking("slow");
        RecordingSubscriber every = new RecordingSubscriber("every");
        RecordingSubscriber odd = new RecordingSubscriber("odd");
        subscribed(join(slow), "busy", "*");
        subscribed(join(every), "busy", "*");
        subscribed(join(odd), "busy", "odd");
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        acks.add(manager.publish("busy", "odd", 1).toCompletableFuture());
        slow.inFirst.await();   // the fan-out thread is handing the first publication over
        for (int i = 2; i <= 10; i++) {
            acks.add(manager.publish("busy", i % 2 == 0 ? "even" : "odd", i).toCompletableFuture());
        }
        assertThat(acks.get(0)).as("acknowledged once fanned out").isNotDone();
        slow.release.countDown();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        assertThat(every.handOvers).containsExactly(1, 9);
        assertThat(every.texts()).extracting(text -> text.replaceAll(".*\"data\":(\\d+)}", "$1"))
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
        assertThat(odd.handOvers).containsExactly(1, 4);
        assertThat(odd.texts()).extracting(text -> text.replaceAll(".*\"data\":(\\d+)}", "$1"))
                .containsExactly("1", "3", "5", "7", "9");
        assertThat(slow.handOvers).containsExactly(1, 9);
    }

    @Test
    void aSubscribesReplyTakesItsPlaceWhenTheSubscriptionTakesEffectBehindWhatOtherPatternsBroughtBefore() throws Exception {
        Blocking slow = new Blocking("slow");
        subscribed(join(slow), "order", "*");
        RecordingSubscriber me = new RecordingSubscriber("me");
        ConnectionChannels mine = join(me);
        subscribed(mine, "order", "a");
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        acks.add(manager.publish("order", "a", 1).toCompletableFuture());
        slow.inFirst.await();   // the fan-out thread is busy: what follows queues up behind it
        acks.add(manager.publish("order", "a", 2).toCompletableFuture());
        acks.add(manager.publish("order", "b", 3).toCompletableFuture());
        CompletableFuture<Map<String, List<String>>> second = mine.subscribe("order", "b").toCompletableFuture();
        acks.add(manager.publish("order", "b", 4).toCompletableFuture());
        assertThat(me.repliesAfter).as("the first subscribe's reply came before anything").containsExactly(0);
        slow.release.countDown();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        assertThat(second.join()).isEqualTo(Map.of("order", List.of("a", "b")));
        assertThat(me.texts()).extracting(text -> text.replaceAll(".*\"data\":(\\d+)}", "$1")).containsExactly("1", "2", "4");
        assertThat(me.repliesAfter).as("the second one's reply goes behind 1 and 2, ahead of 4").containsExactly(0, 2);
    }

    /** A subscriber whose hand-overs wait until the test releases them: it keeps a channel's fan-out busy. */
    private static final class Blocking extends RecordingSubscriber {
        final CountDownLatch inFirst = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Blocking(String id) {
            super(id);
        }

        @Override
        public void deliver(List<EncodedMessage> messages) {
            inFirst.countDown();
            awaitQuietly(release);
            super.deliver(messages);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void everyConnectionWithAMatchingPatternGetsTheMessageExactlyOnce() {
        RecordingSubscriber both = new RecordingSubscriber("both");
        RecordingSubscriber other = new RecordingSubscriber("other");
        RecordingSubscriber none = new RecordingSubscriber("none");
        ConnectionChannels channels = join(both);
        subscribed(channels, "c", "a*");
        subscribed(channels, "c", "*b");
        subscribed(join(other), "c", "ab");
        subscribed(join(none), "c", "x*");
        publish("c", "ab", 1);
        assertThat(both.received).hasSize(1);
        assertThat(other.received).hasSize(1);
        assertThat(none.received).isEmpty();
    }

    @Test
    void membersMovingBetweenPatternSetsKeepReceivingExactlyWhatTheyHold() {
        RecordingSubscriber a = new RecordingSubscriber("a");
        RecordingSubscriber b = new RecordingSubscriber("b");
        ConnectionChannels channelsA = join(a);
        ConnectionChannels channelsB = join(b);
        subscribed(channelsA, "g", "x");
        subscribed(channelsB, "g", "x");
        subscribed(channelsA, "g", "y");          // a moves to the group {x, y}; b stays in {x}
        channelsB.unsubscribe("g", "x");          // b leaves; the group {x} empties
        subscribed(channelsB, "g", "y");          // b joins the group {y}
        channelsA.unsubscribe("g", "x");          // a moves to {y} too
        publish("g", "x", 1);
        publish("g", "y", 2);
        assertThat(a.texts()).containsExactly("{\"channel\":\"g\",\"event\":\"y\",\"data\":2}");
        assertThat(b.texts()).containsExactly("{\"channel\":\"g\",\"event\":\"y\",\"data\":2}");
        assertThat(manager.serverInfo().channels()).isEqualTo(Map.of("g", Map.of("y", 2)));
        // The metric counts as connections change rather than visiting the channels at each scrape.
        assertThat(manager.stats().subscriptions()).isEqualTo(2);
        subscribed(channelsA, "h", "*");
        assertThat(manager.stats().subscriptions()).isEqualTo(3);
        manager.unregister(a);
        assertThat(manager.stats().subscriptions()).isEqualTo(1);
    }

    @Test
    void theFirstAndLastSubscriberTransitionsSubscribeAndUnsubscribeTheBrokerOnce() {
        RecordingSubscriber a = new RecordingSubscriber("a");
        RecordingSubscriber b = new RecordingSubscriber("b");
        subscribed(join(a), "t", "*");
        subscribed(join(b), "t", "x");
        assertThat(broker.calls).containsExactly("subscribe t");
        assertThat(events).filteredOn(ChannelActivated.class::isInstance).containsExactly(new ChannelActivated("t"));
        manager.unregister(a);
        assertThat(broker.calls).containsExactly("subscribe t");
        manager.unregister(b);
        assertThat(broker.calls).containsExactly("subscribe t", "unsubscribe t");
        assertThat(events).contains(new ChannelDeactivated("t"));
        assertThat(manager.serverInfo().channels()).isEmpty();
    }

    @Test
    void aSubscriptionTheBrokerRefusesFailsAndHoldsNobodyUpWhileItWaits() {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        broker.held.put("stuck", answer);
        RecordingSubscriber subscriber = new RecordingSubscriber("s");
        ConnectionChannels channels = join(subscriber);

        CompletableFuture<Map<String, List<String>>> pending = channels.subscribe("stuck", "*").toCompletableFuture();
        assertThat(pending).as("the subscribe returns at once, waiting for the broker").isNotDone();
        // Meanwhile other channels, and the same connection, are served.
        assertThat(subscribed(channels, "free", "*")).containsKeys("stuck", "free");
        publish("free", "e", 1);
        assertThat(subscriber.received).hasSize(1);

        answer.completeExceptionally(new CannotSubscribe("timed out"));   // as Redis's command timeout does
        assertThatThrownBy(pending::join).hasCauseInstanceOf(ChannelException.class)
                .cause().hasMessage(ErrorTexts.CANNOT_SUBSCRIBE);
        assertThat(channels.subscriptions()).isEqualTo(Map.of("free", List.of("*")));
        assertThat(manager.serverInfo().channels()).isEqualTo(Map.of("free", Map.of("*", 1)));
    }

    @Test
    void aPositionedSubscribeUndoneBeforeTheBrokerConfirmedIsStillAnsweredWithTheStreamsPosition() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        broker.held.put("undone", confirmation);
        ConnectionChannels channels = join(new RecordingSubscriber("a"));
        CompletableFuture<PositionedSubscription> subscribed = channels.subscribeWithPosition("undone", "*", null).toCompletableFuture();
        channels.unsubscribe("undone", "*");
        confirmation.complete(null);
        StreamPosition position = subscribed.join().position();
        assertThat(position.epoch()).as("the stream's epoch").isNotNull();
        assertThat(position.offset()).isZero();
    }

    @Test
    void subscribersOfAChannelTheBrokerHasNotConfirmedWaitForTheSameConfirmationAndGetNothingBefore() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        broker.held.put("c", confirmation);
        RecordingSubscriber a = new RecordingSubscriber("a");
        RecordingSubscriber b = new RecordingSubscriber("b");
        CompletableFuture<?> first = join(a).subscribe("c", "*").toCompletableFuture();
        CompletableFuture<?> second = join(b).subscribe("c", "*").toCompletableFuture();
        assertThat(broker.calls).containsExactly("subscribe c");
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        confirmation.complete(null);
        first.join();
        second.join();
        publish("c", "e", 1);
        assertThat(a.received).hasSize(1);
        assertThat(b.received).hasSize(1);
    }

    @Test
    void aConnectionsPublicationWaitsForItsOwnPendingSubscribeSoItReceivesIt() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        broker.held.put("own", confirmation);
        RecordingSubscriber subscriber = new RecordingSubscriber("me");
        ConnectionChannels channels = join(subscriber);
        CompletableFuture<?> subscribing = channels.subscribe("own", "*").toCompletableFuture();
        CompletableFuture<Void> publishing = channels.publish("own", "e", 1).toCompletableFuture();
        assertThat(publishing).isNotDone();
        confirmation.complete(null);
        subscribing.join();
        publishing.join();
        assertThat(subscriber.texts()).containsExactly("{\"channel\":\"own\",\"event\":\"e\",\"data\":1}");
    }

    @Test
    void theBrokerSeesOneChannelsSubscribeAndUnsubscribeInOrderOneAtATime() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        broker.held.put("flip", confirmation);
        RecordingSubscriber a = new RecordingSubscriber("a");
        ConnectionChannels channels = join(a);
        CompletableFuture<?> subscribing = channels.subscribe("flip", "*").toCompletableFuture();
        channels.unsubscribe("flip", "*");                 // leaves while the broker has not answered
        assertThat(broker.calls).containsExactly("subscribe flip");
        broker.held.remove("flip");
        confirmation.complete(null);                       // now it unsubscribes
        subscribing.join();
        assertThat(broker.calls).containsExactly("subscribe flip", "unsubscribe flip");
        subscribed(channels, "flip", "*");                 // and a new subscriber starts over
        assertThat(broker.calls).containsExactly("subscribe flip", "unsubscribe flip", "subscribe flip");
        publish("flip", "e", 1);
        assertThat(a.received).hasSize(1);
    }

    @Test
    void aChannelEveryoneLeftLeavesTheHubEvenWhenOperationsArriveBehindItsUnsubscribe() {
        CompletableFuture<Void> confirmation = new CompletableFuture<>();
        broker.held.put("late", confirmation);
        ConnectionChannels channels = join(new RecordingSubscriber("a"));
        // Once the subscribe is answered (on the thread applying the channel's queue, which has
        // just queued the channel's unsubscribe), a publication's wait for the fan-out is queued
        // behind that unsubscribe.
        CompletableFuture<Void> published = channels.subscribe("late", "*").toCompletableFuture()
                .thenCompose(subscribed -> manager.publish("late", "e", 1)).toCompletableFuture();
        channels.unsubscribe("late", "*");
        broker.held.remove("late");
        confirmation.complete(null);
        published.join();
        assertThat(broker.calls).containsExactly("subscribe late", "unsubscribe late");
        // The publisher's wait completes as its operation runs; the fan-out thread then finds
        // the queue empty and retires the channel, a moment later.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(manager.stats().channels()).as("channels held by the hub").isZero());
    }

    @Test
    void concurrentFirstSubscribersNeverLoseASubscription() throws Exception {
        for (int round = 0; round < 200; round++) {
            String channel = "race" + round;
            int threads = 8;
            CyclicBarrier start = new CyclicBarrier(threads);
            List<RecordingSubscriber> subscribers = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                RecordingSubscriber subscriber = new RecordingSubscriber(channel + "-" + t);
                subscribers.add(subscriber);
                ConnectionChannels channels = join(subscriber);
                done.add(pool.submit(() -> {
                    start.await();
                    return subscribed(channels, channel, "*");
                }));
            }
            for (Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            publish(channel, "e", round);
            for (RecordingSubscriber subscriber : subscribers) {
                assertThat(subscriber.received).as("round %d, %s", round, subscriber.id()).hasSize(1);
            }
            assertThat(manager.serverInfo().channels().get(channel)).isEqualTo(Map.of("*", threads));
        }
        assertThat(broker.calls).hasSize(200);
    }

    @Test
    void underConcurrentSubscribeUnsubscribeAndPublishNoMessageIsLostOrDuplicated() throws Exception {
        int publishers = 4;
        int perPublisher = 2000;
        List<RecordingSubscriber> steady = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber("steady" + i);
            subscribed(join(subscriber), "busy", i % 2 == 0 ? "*" : "p?");
            steady.add(subscriber);
        }
        List<RecordingSubscriber> churners = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(publishers + 4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> publishing = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            String event = "p" + p;
            publishing.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < perPublisher; i++) {
                    publish("busy", event, i);
                }
                return null;
            }));
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Future<?>> churning = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            RecordingSubscriber churner = new RecordingSubscriber("churn" + c);
            churners.add(churner);
            ConnectionChannels channels = join(churner);
            churning.add(pool.submit(() -> {
                go.await();
                while (!stop.get()) {
                    subscribed(channels, "busy", "*");
                    subscribed(channels, "busy", "p*");
                    channels.unsubscribe("busy", "*");
                    channels.unsubscribe("busy", "p*");
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> future : publishing) {
            future.get(60, TimeUnit.SECONDS);
        }
        stop.set(true);
        for (Future<?> future : churning) {
            future.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();

        for (RecordingSubscriber subscriber : steady) {
            List<String> texts = subscriber.texts();
            assertThat(texts).as(subscriber.id()).hasSize(publishers * perPublisher);
            assertThat(new HashSet<>(texts)).as("no duplicates").hasSize(publishers * perPublisher);
            for (int p = 0; p < publishers; p++) {
                String prefix = "{\"channel\":\"busy\",\"event\":\"p" + p + "\"";
                List<String> fromOne = texts.stream().filter(t -> t.startsWith(prefix)).toList();
                for (int i = 0; i < fromOne.size(); i++) {
                    assertThat(fromOne.get(i)).as("publish order").isEqualTo(prefix + ",\"data\":" + i + "}");
                }
            }
        }
        for (int i = 2; i < steady.size(); i += 2) {
            assertThat(steady.get(i).texts()).as("subscribers of * see the channel in one order").isEqualTo(steady.get(0).texts());
        }
        for (RecordingSubscriber churner : churners) {
            Set<String> unique = new HashSet<>(churner.texts());
            assertThat(unique).as("a churner never gets a message twice").hasSize(churner.received.size());
        }
    }

    @Test
    void closingAConnectionRemovesItsSubscriptionsAtOnce() {
        RecordingSubscriber gone = new RecordingSubscriber("gone");
        ConnectionChannels channels = join(gone);
        subscribed(channels, "a", "*");
        subscribed(channels, "b", "x");
        assertThat(manager.serverInfo().connections()).isEqualTo(1);
        manager.unregister(gone);
        assertThat(manager.serverInfo()).isEqualTo(new ServerInfo(0, Map.of()));
        manager.publish("a", "e", 1);
        assertThat(gone.received).isEmpty();
        // A late subscribe on a closed connection changes nothing.
        subscribed(channels, "c", "*");
        assertThat(manager.serverInfo().channels()).isEmpty();
    }

    @Test
    void refusalsCarryTheProtocolTexts() {
        ConnectionChannels channels = join(new RecordingSubscriber("r"));
        assertRefused(() -> channels.subscribe("Bad", "*"), "channel: Invalid channel");
        assertRefused(() -> channels.subscribe("ok", "[x"), "event: Invalid event pattern");
        assertRefused(() -> channels.subscribe("ok", "*".repeat(257)), "event: Invalid event pattern");
        assertRefused(() -> channels.unsubscribe("ok", "*"), "channel: Invalid channel");
        assertRefused(() -> manager.publish("Bad", null, 1), "channel: Cannot publish to channel");
        assertRefused(() -> manager.publish("ok", "e".repeat(257), 1), "event: Invalid event");
        assertThat(manager.publish("ok", "é".repeat(256), 1)).as("256 characters, 512 bytes: allowed").isNotNull();
    }

    private static void assertRefused(Runnable call, String expected) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ChannelException.class,
                e -> assertThat(e.field() + ": " + e.getMessage()).isEqualTo(expected));
    }

    @Test
    void aCustomChannelRuleDecidesWhichNamesAreAllowed() {
        SocketsManager custom = manager("stream.channel-pattern=room-[0-9]+");
        ConnectionChannels channels = custom.register(new RecordingSubscriber("c"));
        assertThat(channels.subscribe("room-12", "*").toCompletableFuture().join()).containsKey("room-12");
        assertRefused(() -> channels.subscribe("prices", "*"), "channel: Invalid channel");
    }

    @Test
    void oneFailingSubscriberDoesNotStopDeliveryToTheRest() {
        RecordingSubscriber fine = new RecordingSubscriber("fine");
        subscribed(manager.register(new RecordingSubscriber("thrower") {
            @Override
            public void deliver(List<EncodedMessage> messages) {
                throw new IllegalStateException("boom");
            }
        }), "iso", "*");
        subscribed(join(fine), "iso", "*");
        publish("iso", "e", 1);
        assertThat(fine.received).hasSize(1);
    }

    @Test
    void stoppingClosesEveryConnectionWithOurReasonBeforeTheBroker() {
        List<String> order = new CopyOnWriteArrayList<>();
        Subscriber slowToClose = new Subscriber() {
            @Override public String id() { return "a"; }
            @Override public Optional<Principal> principal() { return Optional.empty(); }
            @Override public void deliver(List<EncodedMessage> messages) { }
            @Override public Runnable replyHere() { return NO_REPLY; }
            @Override public CompletionStage<Void> close(CloseStatus status) {
                order.add("close " + status.code() + " " + status.reason());
                return CompletableFuture.runAsync(() -> order.add("closed"),
                        CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
            }
        };
        manager.register(slowToClose);
        manager.stop();
        order.add(broker.closed ? "broker closed" : "broker open");
        assertThat(order).containsExactly("close 1001 Server shutting down", "closed", "broker closed");
    }

    @Test
    void aConnectionRegisteredWhileStoppingIsClosedToo() {
        manager.stop();
        RecordingSubscriber late = new RecordingSubscriber("late");
        manager.register(late);
        assertThat(late.closedWith).isEqualTo(CloseStatus.SHUTTING_DOWN);
    }
}
