package dev.streamrpc.pubsub;

import dev.streamrpc.api.Recovery;
import dev.streamrpc.api.StreamPosition;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import jakarta.json.Json;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads from the history what a subscriber missed after the position it resumes from, up to
 * the position it now holds on the channel: every publication in between whose event its
 * pattern matches, in offset order; or the reason it cannot (the epoch changed, a publication
 * is no longer held, too many, or history is off). The read is bounded by the history's size.
 */
final class Recoveries {

    private final Broker broker;
    private final int historySize;
    private final int maxRecovery;
    private final long maxBytes;
    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    /** @param maxBytes the most bytes of recovered publications one reply may carry (it must fit the connection's outbox) */
    Recoveries(Broker broker, int historySize, int maxRecovery, long maxBytes) {
        this.broker = broker;
        this.historySize = historySize;
        this.maxRecovery = maxRecovery;
        this.maxBytes = maxBytes;
    }

    /** What {@code pattern} missed on {@code channel} after {@code since} and up to {@code position}. */
    CompletionStage<Recovery> recover(String channel, EventPattern pattern, StreamPosition since, StreamState position) {
        if (historySize == 0) {
            return done(Recovery.lost(Recovery.OFF));
        }
        if (!since.epoch().equals(position.epoch())) {
            return done(Recovery.lost(Recovery.EPOCH));
        }
        long missed = position.offset() - since.offset();
        if (missed <= 0) {
            return done(Recovery.recovered(List.of()));
        }
        if (missed > historySize) {
            return done(Recovery.lost(Recovery.TRIMMED));
        }
        return broker.history(channel, since.offset(), (int) missed)
                .thenApply(history -> count(select(history, pattern, since, position)));
    }

    /** Whether a position of the current epoch is at or before the stream's last publication (the broker's, not this server's). */
    CompletionStage<Boolean> reached(String channel, StreamPosition since) {
        return broker.history(channel, since.offset(), 0)
                .thenApply(history -> !history.state().epoch().equals(since.epoch()) || since.offset() <= history.state().offset());
    }

    private Recovery select(History history, EventPattern pattern, StreamPosition since, StreamState position) {
        if (!history.state().epoch().equals(since.epoch())) {
            return Recovery.lost(Recovery.EPOCH);
        }
        long expected = since.offset() + 1;
        long bytes = 0;
        List<Recovery.Publication> matching = new ArrayList<>();
        for (Publication held : history.publications()) {
            if (held.offset() > position.offset()) {
                break;
            }
            if (held.offset() != expected) {
                return Recovery.lost(Recovery.TRIMMED);
            }
            expected++;
            if (pattern.matches(held.event())) {
                bytes += held.message().size();
                if (matching.size() == maxRecovery || bytes > maxBytes) {
                    return Recovery.lost(Recovery.LIMIT);
                }
                matching.add(new Recovery.Publication(held.event(), data(held), held.offset()));
            }
        }
        return expected > position.offset() ? Recovery.recovered(matching) : Recovery.lost(Recovery.TRIMMED);
    }

    /** The data of a stored frame, {@code {"channel":...,"event":...,"data":...}}. */
    private static JsonValue data(Publication held) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(held.message().utf8()))) {
            return reader.readObject().get("data");
        }
    }

    Recovery count(Recovery recovery) {
        outcomes.computeIfAbsent(recovery.recovered() ? "recovered" : recovery.reason(), k -> new LongAdder()).increment();
        return recovery;
    }

    private CompletionStage<Recovery> done(Recovery recovery) {
        return CompletableFuture.completedFuture(count(recovery));
    }

    /** Recoveries since start by result: {@code recovered}, or the reason it could not be. */
    Map<String, Long> outcomes() {
        Map<String, Long> counts = new TreeMap<>();
        outcomes.forEach((result, count) -> counts.put(result, count.sum()));
        return counts;
    }
}
