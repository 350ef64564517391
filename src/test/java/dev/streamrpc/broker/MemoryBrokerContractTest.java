package dev.streamrpc.broker;

import dev.streamrpc.broker.memory.MemoryBroker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

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
        broker.close();
        broker = new MemoryBroker(pending, 100, Duration.ofMinutes(5), 1000);
        broker.start(this::record);
        for (int i = 1; i <= 30; i++) {
            done(broker.publish("bounded", "e", EncodedMessage.of("x".repeat(95) + String.format("%05d", i))));
        }
        History held = done(broker.history("bounded", 0, 100));
        assertThat(held.publications()).extracting(Publication::offset).containsExactly(21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
        assertThat(((MemoryBroker) broker).heldPublications()).isEqualTo(10);
    }
}
