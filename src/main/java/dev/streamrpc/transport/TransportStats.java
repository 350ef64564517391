package dev.streamrpc.transport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.stream.Collectors;

/** What the transport has dropped or refused since start; for metrics. Counting takes no lock. */
public final class TransportStats {

    /** Every status a handshake is refused with: 401 and 403 (origin, authenticator), 503 (full, stopping). */
    public static final List<Integer> REFUSAL_STATUSES = List.of(401, 403, 503);

    private final LongAdder dropped = new LongAdder();
    private final LongAdder slowConsumerCloses = new LongAdder();
    private final LongAdder pingTimeouts = new LongAdder();
    private final Map<Integer, LongAdder> refusedHandshakes = REFUSAL_STATUSES.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), status -> new LongAdder()));

    void slowConsumer(int droppedMessages) {
        slowConsumerCloses.increment();
        dropped.add(droppedMessages);
    }

    void pingTimeout() {
        pingTimeouts.increment();
    }

    void refusedHandshake(int status) {
        refusedHandshakes.get(status).increment();
    }

    /** Handshakes refused with this status (one of {@link #REFUSAL_STATUSES}). */
    public long refusedHandshakes(int status) {
        return refusedHandshakes.get(status).sum();
    }

    /** Messages dropped from outboxes of connections closed as slow consumers. */
    public long dropped() {
        return dropped.sum();
    }

    /** Connections closed with 1008 {@code slow consumer}. */
    public long slowConsumerCloses() {
        return slowConsumerCloses.sum();
    }

    /** Connections closed with 1001 {@code ping timeout}: their peer answered nothing. */
    public long pingTimeouts() {
        return pingTimeouts.sum();
    }
}
