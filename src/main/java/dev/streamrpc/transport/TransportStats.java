package dev.streamrpc.transport;

import java.util.concurrent.atomic.LongAdder;

/** What the transport has dropped since start; for metrics. Counting takes no lock. */
public final class TransportStats {

    private final LongAdder dropped = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();

    void slowConsumer(int droppedMessages) {
        slowConsumerCloses.increment();
        dropped.add(droppedMessages);
    }

    /** Messages dropped from outboxes of connections closed as slow consumers. */
    public long dropped() {
        return dropped.sum();
    }

    /** Connections closed with 1008 {@code slow consumer}. */
    public long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }
}
