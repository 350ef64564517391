package dev.streamrpc.client;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Calls waiting for their reply, by id. Each call ends exactly once: by its reply, its timeout,
 * or a failure of its connection; whichever removes it from the map first wins.
 */
final class Calls {

    /**
     * How a call ends. Run on the connection's or the timer's thread: it must be quick and must
     * not run application code (the client hands that to an executor).
     */
    interface Outcome {

        void succeeded(JsonValue response);

        void failed(Throwable error);
    }

    /** One call: its frame, and the connection it went out on (null while it waits for one). */
    static final class Call {
        final long id;
        final String method;
        final String frame;
        final Outcome outcome;
        volatile Link link;
        private volatile ScheduledFuture<?> timeout;

        private Call(long id, String method, String frame, Outcome outcome) {
            this.id = id;
            this.method = method;
            this.frame = frame;
            this.outcome = outcome;
        }
    }

    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Call> pending = new ConcurrentHashMap<>();
    private final Wire wire;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final Consumer<Call> expired;

    /** @param expired told of a call that timed out, before its outcome, so it can leave any queue */
    Calls(Wire wire, ScheduledExecutorService timer, Duration timeout, Consumer<Call> expired) {
        this.wire = wire;
        this.timer = timer;
        this.timeout = timeout;
        this.expired = expired;
    }

    /**
     * Registers a call and starts its timeout; the caller sends {@link Call#frame}.
     *
     * @throws jakarta.json.bind.JsonbException when the payload cannot be written as JSON
     * @throws IllegalArgumentException when the frame cannot be sent as text ({@link Wire#request})
     * @throws ConnectionLost when the client is closed (its timer is shut down)
     */
    Call start(String method, Object payload, Outcome outcome) {
        long id = ids.incrementAndGet();
        Call call = new Call(id, method, wire.request(id, method, payload), outcome);
        // The timeout before the map: close() may fail every call in the map at any moment, and
        // cancels their timeouts. A call it misses is failed by the closed connection instead.
        try {
            call.timeout = timer.schedule(() -> expire(call), timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            throw new ConnectionLost("The client is closed");
        }
        pending.put(id, call);
        if (call.timeout.isDone()) {
            expire(call);       // a timeout of a few nanoseconds ran before the call was in the map
        }
        return call;
    }

    /** A frame with an {@code id}: the reply to one of our calls, unless that call has already ended. */
    void reply(JsonObject frame) {
        if (!(frame.get("id") instanceof JsonNumber id) || !id.isIntegral()) {
            return;
        }
        Call call = pending.remove(id.longValue());
        if (call == null) {
            return;         // timed out or failed already: a late reply changes nothing
        }
        call.timeout.cancel(false);
        JsonObject error = Wire.object(frame, "error");
        if (error != null) {
            call.outcome.failed(rpcError(error));
        } else {
            call.outcome.succeeded(frame.getOrDefault("response", JsonValue.NULL));
        }
    }

    /** Fails one call, if it has not ended yet. */
    void fail(Call call, Throwable error) {
        if (pending.remove(call.id, call)) {
            call.timeout.cancel(false);
            call.outcome.failed(error);
        }
    }

    /** Fails every call that went out on {@code link}: their replies cannot come any more. */
    void failSentOn(Link link, Throwable error) {
        pending.values().stream().filter(call -> call.link == link).forEach(call -> fail(call, error));
    }

    /** Fails every call not yet ended. */
    void failAll(Throwable error) {
        pending.values().forEach(call -> fail(call, error));
    }

    private void expire(Call call) {
        if (pending.remove(call.id, call)) {
            expired.accept(call);
            call.outcome.failed(new TimeoutException("No reply to " + call.method + " within " + timeout));
        }
    }

    private static RpcError rpcError(JsonObject error) {
        String message = Wire.string(error, "message");
        Map<String, String> errors = new LinkedHashMap<>();
        JsonObject fields = Wire.object(error, "errors");
        if (fields != null) {
            fields.forEach((field, text) -> errors.put(field, text instanceof JsonString s ? s.getString() : text.toString()));
        }
        return new RpcError(message == null ? "Unknown error" : message, errors);
    }
}
