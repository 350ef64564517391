package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelActivated;
import dev.streamrpc.api.ChannelAuthorizer;
import dev.streamrpc.api.ChannelDeactivated;
import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.BrokerCallback;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.memory.MemoryBroker;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hub on its own: fan-out, channel transitions, cleanup, and concurrency. */
class SocketsManagerTest {

    /** The in-memory broker, counting the hub's subscribe and unsubscribe calls. */
    static final class CountingBroker implements Broker {
        final MemoryBroker delegate = new MemoryBroker();
        final AtomicInteger subscribes = new AtomicInteger();
        final AtomicInteger unsubscribes = new AtomicInteger();

        @Override public void start(BrokerCallback callback) { delegate.start(callback); }
        @Override public void publish(String channel, String event, EncodedMessage message) throws dev.streamrpc.broker.CannotPublish {
            delegate.publish(channel, event, message);
        }
        @Override public void subscribe(String channel) { subscribes.incrementAndGet(); delegate.subscribe(channel); }
        @Override public void unsubscribe(String channel) { unsubscribes.incrementAndGet(); delegate.unsubscribe(channel); }
        @Override public void close() { delegate.close(); }
    }

    private final CountingBroker broker = new CountingBroker();
    private final List<Object> events = new CopyOnWriteArrayList<>();
    private final SocketsManager manager = new SocketsManager();

    SocketsManagerTest() {
        manager.start(broker, JsonbBuilder.create(), events::add, new ChannelAuthorizer() { }, "[a-z0-9_\\-.:]{1,200}", 256);
    }

    private ConnectionChannels join(RecordingSubscriber subscriber) {
        return manager.register(subscriber);
    }

    @Test
    void aMessageIsEncodedOnceAndTheSameTextGoesToEverySubscriber() {
        List<RecordingSubscriber> subscribers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber("s" + i);
            join(subscriber).subscribe("prices", i % 2 == 0 ? "*" : "trade.*");
            subscribers.add(subscriber);
        }
        manager.publish("prices", "trade.btc", Map.of("price", 1));
        EncodedMessage first = subscribers.get(0).received.get(0);
        assertThat(first.text()).isEqualTo("{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
        for (RecordingSubscriber subscriber : subscribers) {
            assertThat(subscriber.received).hasSize(1);
            assertThat(subscriber.received.get(0)).isSameAs(first);
        }
    }

    @Test
    void everyConnectionWithAMatchingPatternGetsTheMessageExactlyOnce() {
        RecordingSubscriber both = new RecordingSubscriber("both");
        RecordingSubscriber other = new RecordingSubscriber("other");
        RecordingSubscriber none = new RecordingSubscriber("none");
        ConnectionChannels channels = join(both);
        channels.subscribe("c", "a*");
        channels.subscribe("c", "*b");
        join(other).subscribe("c", "ab");
        join(none).subscribe("c", "x*");
        manager.publish("c", "ab", 1);
        assertThat(both.received).hasSize(1);
        assertThat(other.received).hasSize(1);
        assertThat(none.received).isEmpty();
    }

    @Test
    void theFirstAndLastSubscriberTransitionsSubscribeAndUnsubscribeTheBrokerOnce() {
        RecordingSubscriber a = new RecordingSubscriber("a");
        RecordingSubscriber b = new RecordingSubscriber("b");
        join(a).subscribe("t", "*");
        join(b).subscribe("t", "x");
        assertThat(broker.subscribes).hasValue(1);
        assertThat(events).filteredOn(ChannelActivated.class::isInstance).containsExactly(new ChannelActivated("t"));
        manager.unregister(a);
        assertThat(broker.unsubscribes).hasValue(0);
        manager.unregister(b);
        assertThat(broker.unsubscribes).hasValue(1);
        assertThat(events).contains(new ChannelDeactivated("t"));
        assertThat(manager.serverInfo().channels()).isEmpty();
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
                    return channels.subscribe(channel, "*");
                }));
            }
            for (Future<?> future : done) {
                future.get(10, TimeUnit.SECONDS);
            }
            pool.shutdown();
            manager.publish(channel, "e", round);
            for (RecordingSubscriber subscriber : subscribers) {
                assertThat(subscriber.received).as("round %d, %s", round, subscriber.id()).hasSize(1);
            }
            assertThat(manager.serverInfo().channels().get(channel)).isEqualTo(Map.of("*", threads));
        }
        assertThat(broker.subscribes).hasValue(200);
    }

    @Test
    void underConcurrentSubscribeUnsubscribeAndPublishNoMessageIsLostOrDuplicated() throws Exception {
        int publishers = 4;
        int perPublisher = 2000;
        List<RecordingSubscriber> steady = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            RecordingSubscriber subscriber = new RecordingSubscriber("steady" + i);
            join(subscriber).subscribe("busy", i % 2 == 0 ? "*" : "p?");
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
                    manager.publish("busy", event, i);
                }
                return null;
            }));
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Future<?>> churning = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            RecordingSubscriber churner = new RecordingSubscriber("churn" + c);
            churners.add(churner);
            ConnectionChannels channels = join(churner);
            churning.add(pool.submit(() -> {
                go.await();
                while (!stop.get()) {
                    channels.subscribe("busy", "*");
                    channels.subscribe("busy", "p*");
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
        for (RecordingSubscriber churner : churners) {
            Set<String> unique = new HashSet<>(churner.texts());
            assertThat(unique).as("a churner never gets a message twice").hasSize(churner.received.size());
        }
    }

    @Test
    void closingAConnectionRemovesItsSubscriptionsAtOnce() {
        RecordingSubscriber gone = new RecordingSubscriber("gone");
        ConnectionChannels channels = join(gone);
        channels.subscribe("a", "*");
        channels.subscribe("b", "x");
        assertThat(manager.serverInfo().connections()).isEqualTo(1);
        manager.unregister(gone);
        assertThat(manager.serverInfo()).isEqualTo(new ServerInfo(0, Map.of()));
        manager.publish("a", "e", 1);
        assertThat(gone.received).isEmpty();
        // A late subscribe on a closed connection changes nothing.
        channels.subscribe("c", "*");
        assertThat(manager.serverInfo().channels()).isEmpty();
    }

    @Test
    void refusalsCarryTheProtocolTexts() {
        ConnectionChannels channels = join(new RecordingSubscriber("r"));
        assertThatThrownBy(() -> channels.subscribe("Bad", "*")).isInstanceOfSatisfying(ChannelException.class,
                e -> assertThat(e.field() + ": " + e.getMessage()).isEqualTo("channel: Invalid channel"));
        assertThatThrownBy(() -> channels.subscribe("ok", "[x")).isInstanceOfSatisfying(ChannelException.class,
                e -> assertThat(e.field() + ": " + e.getMessage()).isEqualTo("event: Invalid event pattern"));
        assertThatThrownBy(() -> channels.unsubscribe("ok", "*")).isInstanceOfSatisfying(ChannelException.class,
                e -> assertThat(e.field() + ": " + e.getMessage()).isEqualTo("channel: Invalid channel"));
        assertThatThrownBy(() -> manager.publish("Bad", null, 1)).isInstanceOfSatisfying(ChannelException.class,
                e -> assertThat(e.field() + ": " + e.getMessage()).isEqualTo("channel: Cannot publish to channel"));
    }

    @Test
    void oneFailingSubscriberDoesNotStopDeliveryToTheRest() {
        Subscriber broken = new RecordingSubscriber("broken") {
        };
        RecordingSubscriber fine = new RecordingSubscriber("fine");
        manager.register(new Subscriber() {
            @Override public String id() { return "thrower"; }
            @Override public java.util.Optional<java.security.Principal> principal() { return java.util.Optional.empty(); }
            @Override public void deliver(EncodedMessage message) { throw new IllegalStateException("boom"); }
            @Override public void close(int code, String reason) { }
        }).subscribe("iso", "*");
        join(fine).subscribe("iso", "*");
        manager.publish("iso", "e", 1);
        assertThat(fine.received).hasSize(1);
        assertThat(broken).isNotNull();
    }

    @Test
    void stoppingClosesEveryConnectionWith1001() {
        RecordingSubscriber a = new RecordingSubscriber("a");
        join(a);
        manager.stop();
        assertThat(a.closeCode).isEqualTo(1001);
    }
}
