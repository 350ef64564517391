package dev.streamrpc.broker.memory;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.Publication;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One stream of the memory broker with times the test gives: what it keeps counts against the
 * broker's byte bound exactly while it is kept, and its history and the stream itself expire
 * after the TTL, not before. The broker-level tests (MemoryBrokerContractTest) run on the wall
 * clock, where a TTL's boundary cannot be hit exactly.
 */
class MemoryStreamTest {

    private static final long T = 1_700_000_000_000L;   // a wall-clock time: ages are differences, never the times themselves
    private static final long TTL = 1_000;
    private static final long UNBOUNDED = Long.MAX_VALUE / 2;

    private final AtomicLong heldBytes = new AtomicLong();
    private final LongAdder heldPublications = new LongAdder();

    private static EncodedMessage message(int i) {
        return EncodedMessage.of("{\"n\":" + i + "}");
    }

    @Test
    void aFullRingGivesTheBytesOfThePublicationItDropsBack() {
        MemoryStream stream = new MemoryStream("ring", "epoch", 2, heldBytes, heldPublications, T);
        for (int i = 1; i <= 5; i++) {
            stream.append("e", message(i), T, UNBOUNDED, false);
        }
        assertThat(stream.held()).isEqualTo(2);
        // Otherwise every publication that ever went through a full ring would count against the bound for good.
        assertThat(heldBytes).hasValue(MemoryStream.streamBytes("ring") + 2 * MemoryStream.publicationBytes("e", message(1)));
        assertThat(heldPublications.sum()).as("the count the metrics read").isEqualTo(2);
        stream.drop();
        assertThat(heldBytes).hasValue(0);
        assertThat(heldPublications.sum()).isZero();
    }

    @Test
    void aPublicationLargerThanTheWholeBoundIsNotKept() {
        long bound = MemoryStream.streamBytes("big") + MemoryStream.publicationBytes("e", message(1));
        MemoryStream stream = new MemoryStream("big", "epoch", 10, heldBytes, heldPublications, T);
        stream.append("e", message(1), T, bound, false);
        assertThat(stream.held()).isEqualTo(1);
        stream.append("e", EncodedMessage.of("x".repeat(100)), T, bound, false);
        assertThat(stream.held()).as("the one kept made way, and the large one did not fit even then").isZero();
        assertThat(heldBytes).hasValue(MemoryStream.streamBytes("big"));
    }

    @Test
    void aPublicationIsHeldAndRecoveredUntilItIsOlderThanTheTtl() {
        MemoryStream stream = new MemoryStream("aging", "epoch", 10, heldBytes, heldPublications, T);
        stream.append("e", message(1), T, UNBOUNDED, false);
        assertThat(stream.expire(T + TTL / 2, TTL)).isFalse();
        assertThat(stream.expire(T + TTL, TTL)).isFalse();
        assertThat(stream.held()).isEqualTo(1);
        assertThat(stream.after(0, 10, T + TTL, TTL).publications()).extracting(Publication::offset).containsExactly(1L);
        assertThat(stream.after(0, 10, T + TTL + 1, TTL).publications()).isEmpty();
        assertThat(stream.expire(T + TTL + 1, TTL)).as("idle as long, and holding nothing now").isTrue();
        assertThat(stream.held()).isZero();
        assertThat(heldBytes).hasValue(MemoryStream.streamBytes("aging"));
    }

    /** A stream that goes takes its epoch and offset with it: it must outlive a shorter idleness, history off or not. */
    @Test
    void aStreamWithoutHistoryExpiresOnlyOnceIdleLongerThanTheTtl() {
        MemoryStream stream = new MemoryStream("quiet", "epoch", 0, heldBytes, heldPublications, T);
        stream.append("e", message(1), T + 10, UNBOUNDED, false);
        assertThat(stream.expire(T + 10 + TTL, TTL)).isFalse();
        assertThat(stream.state().offset()).isEqualTo(1);
        assertThat(stream.expire(T + 10 + TTL + 1, TTL)).isTrue();
    }
}
