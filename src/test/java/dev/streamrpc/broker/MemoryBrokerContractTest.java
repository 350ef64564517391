package dev.streamrpc.broker;

import dev.streamrpc.broker.memory.MemoryBroker;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MemoryBrokerContractTest extends BrokerContract {

    @Override
    protected Broker newBroker(PendingBytes pending, int historySize, Duration ttl) {
        return new MemoryBroker(pending, historySize, ttl, 1 << 20);
    }

    @Test
    void aRestartedBrokerHasNewEpochs() throws Exception {
        String before = done(broker.history("restarted", 0, 0)).state().epoch();
        restart(100, Duration.ofMinutes(5));
        assertThat(done(broker.history("restarted", 0, 0)).state().epoch()).isNotEqualTo(before);
    }

    @Test
    void everyNewStreamHasAnEpochOfItsOwnWhicheverThreadCreatesIt() throws InterruptedException {
        Set<String> epochs = ConcurrentHashMap.newKeySet();
        List<Thread> creators = IntStream.range(0, 4).mapToObj(t -> new Thread(() -> {
            for (int i = 0; i < 5000; i++) {
                epochs.add(done(broker.history("epochs-" + t + "-" + i, 0, 0)).state().epoch());
            }
        })).toList();
        creators.forEach(Thread::start);
        for (Thread creator : creators) {
            creator.join();
        }
        assertThat(epochs).hasSize(20_000);
    }

    @Test
    void allChannelsHistoryStaysWithinItsByteBoundAChannelsOwnOldestGoingFirst() {
        // Room for the stream (296 B and its name's 7) and ten publications (192 B, the 100-byte
        // frame twice, the event's 1), not eleven: see MemoryStream's figures.
        restartWithin(Duration.ofMinutes(5), 303 + 10 * 393);
        for (int i = 1; i <= 30; i++) {
            done(broker.publish("bounded", "e", EncodedMessage.of("x".repeat(95) + String.format("%05d", i))));
        }
        History held = done(broker.history("bounded", 0, 100));
        assertThat(held.publications()).extracting(Publication::offset).containsExactly(21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
        assertThat(((MemoryBroker) broker).heldPublications()).isEqualTo(10);
    }

    @Test
    void aFloodOfNewChannelsNobodySubscribesToTakesNoMoreHeapThanTheByteBound() {
        long bound = 8 << 20;
        restartWithin(Duration.ofMinutes(5), bound);
        long before = usedHeapAfterGc();
        for (int i = 0; i < 100_000; i++) {
            done(broker.publish("flood-" + i, "e", EncodedMessage.of("{\"channel\":\"flood-" + i + "\",\"event\":\"e\",\"data\":null}")));
        }
        // About 590 B of heap per channel once its stream holds the publication: 59 MB unbounded.
        assertThat(usedHeapAfterGc() - before).isLessThan(bound + (2 << 20));
        assertThat(((MemoryBroker) broker).heldPublications()).isBetween(1L, bound / 500);
    }

    @Test
    void whenTheBoundIsFullASubscribedChannelStillGetsItsPublicationsAndExpiredStreamsGiveTheirRoomBack() {
        restartWithin(Duration.ofMillis(200), 100_000);
        done(broker.subscribe("late"));
        long held = flood("full-");
        assertThat(held).isPositive();
        assertThat(done(broker.history("full-999", 0, 100)).publications()).isEmpty();

        done(broker.publish("late", "e", EncodedMessage.of("late")));
        await().atMost(WAIT).until(() -> seen.contains(new Seen("late", "e", "late")));
        assertThat(positions).extracting(Publication::offset).containsExactly(1L);

        // The sweep (every second) drops the idle streams, and their bytes with their publications.
        await().atMost(WAIT).until(() -> ((MemoryBroker) broker).heldPublications() == 0);
        assertThat(flood("fill-")).isEqualTo(held);
    }

    @Test
    void subscribingToEverNewChannelsAndLeavingThemTakesNoMoreHeapThanTheByteBound() {
        long bound = 8 << 20;
        restartWithin(Duration.ofMinutes(5), bound);
        long before = usedHeapAfterGc();
        for (int i = 0; i < 100_000; i++) {
            done(broker.subscribe("churn-" + i));
            done(broker.unsubscribe("churn-" + i));
        }
        // About 350 B of heap per stream kept for the TTL: 35 MB unbounded.
        assertThat(usedHeapAfterGc() - before).isLessThan(bound + (2 << 20));
    }

    @Test
    void overTheBoundALeftChannelsStreamIsDroppedOnlyIfItHoldsNothing() {
        restartWithin(Duration.ofMinutes(5), 4000);
        done(broker.subscribe("kept"));
        done(broker.subscribe("empty"));
        done(broker.publish("kept", "e", EncodedMessage.of("x".repeat(100))));
        String keptEpoch = done(broker.history("kept", 0, 0)).state().epoch();
        String emptyEpoch = done(broker.history("empty", 0, 0)).state().epoch();
        for (int i = 0; i < 20; i++) {
            done(broker.subscribe("filler-" + i));   // 20 streams of about 305 B: over the bound
        }
        done(broker.unsubscribe("kept"));
        done(broker.unsubscribe("empty"));

        History kept = done(broker.history("kept", 0, 10));
        assertThat(kept.state().epoch()).isEqualTo(keptEpoch);
        assertThat(kept.publications()).extracting(Publication::offset).containsExactly(1L);
        assertThat(done(broker.history("empty", 0, 0)).state().epoch()).isNotEqualTo(emptyEpoch);
    }

    private void restartWithin(Duration ttl, long bound) {
        broker.close();
        broker = new MemoryBroker(pending, 100, ttl, bound);
        broker.start(this::record);
    }

    /** Publishes a small frame to a thousand new channels; returns how many publications the broker then holds. */
    private long flood(String prefix) {
        for (int i = 0; i < 1000; i++) {
            done(broker.publish(prefix + i, "e", EncodedMessage.of("{}")));
        }
        return ((MemoryBroker) broker).heldPublications();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
