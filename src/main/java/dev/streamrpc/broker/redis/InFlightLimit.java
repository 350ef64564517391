package dev.streamrpc.broker.redis;

import io.lettuce.core.RedisCommandTimeoutException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Lets at most {@code limit} commands wait for Redis at once; the others wait here, in order,
 * and start as earlier ones are answered.
 *
 * <p>Lettuce times a command from the moment it is handed over. After a restart every client
 * subscribes again at once, and each new channel is a SUBSCRIBE and a read of its stream's
 * state: handed to Lettuce together, tens of thousands of them waited behind each other for
 * the event loop and timed out (89,090 of 100,000 in the benchmark's storm) while Redis
 * answered each in microseconds. Held here instead, a command's timeout measures Redis and
 * the event loop only; the storm takes as long as the work it is, and nothing is refused.
 *
 * <p>But when Redis stops answering, the subscribes waiting here are refused together with the
 * first command that times out having seen no answer since it was sent: Redis has then been
 * silent for a whole timeout. Left to start in turn, each group of {@code limit} waited a
 * timeout of its own, and a client's subscribe was answered after as many timeouts as there
 * were groups ahead of it (2,000 new channels: 16 of them). Unsubscribes are not refused here.
 * With a cluster, the places and the silence are shared by all shards.
 */
final class InFlightLimit {

    /** A command waiting for its place, the stage its caller holds, and whether a silent Redis refuses it here. */
    private record Waiting(Runnable start, CompletableFuture<?> result, boolean refusable) {
    }

    private final int limit;
    private final LongSupplier clock;
    private final Executor starter;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();    // guarded by this
    private int inFlight;                                               // guarded by this
    private long lastAnswer;                                            // guarded by this: when Redis last answered

    /**
     * @param clock   {@link System#nanoTime}, or a test's
     * @param starter where a waiting command is started once a place frees (never the completing thread, so a run of commands that fail at once cannot grow the stack)
     */
    InFlightLimit(int limit, LongSupplier clock, Executor starter) {
        this.limit = limit;
        this.clock = clock;
        this.starter = starter;
        this.lastAnswer = clock.getAsLong();
    }

    /**
     * Runs {@code command} now if fewer than the limit are in flight, else once one is answered.
     * A {@code refusable} one waiting here is refused when Redis falls silent; the others (an
     * UNSUBSCRIBE, which undoes a SUBSCRIBE that timed out but may still reach Redis) wait their
     * turn whatever happens.
     */
    <T> CompletionStage<T> submit(Supplier<CompletionStage<T>> command, boolean refusable) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            long sent = clock.getAsLong();
            CompletionStage<T> running;
            try {
                running = command.get();
            } catch (RuntimeException e) {
                running = CompletableFuture.failedFuture(e);
            }
            running.whenComplete((value, failure) -> {
                answered(sent, failure);
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            });
        };
        boolean now;
        synchronized (this) {
            now = inFlight < limit;
            if (now) {
                inFlight++;
            } else {
                waiting.add(new Waiting(start, result, refusable));
            }
        }
        if (now) {
            start.run();
        }
        return result;
    }

    /**
     * A command sent at {@code sent} completed: its place goes to the next waiting one, if any;
     * if it timed out with no answer from Redis since it was sent, every refusable one waiting is
     * refused with its failure.
     */
    private void answered(long sent, Throwable failure) {
        long now = clock.getAsLong();
        List<Waiting> refused = List.of();   // a list only when Redis fell silent: this runs for every command
        Waiting next;
        synchronized (this) {
            if (!timedOut(failure)) {
                if (now - lastAnswer > 0) {
                    lastAnswer = now;
                }
            } else if (lastAnswer - sent <= 0) {
                refused = new ArrayList<>();
                for (Iterator<Waiting> queued = waiting.iterator(); queued.hasNext(); ) {
                    Waiting one = queued.next();
                    if (one.refusable()) {
                        refused.add(one);
                        queued.remove();
                    }
                }
            }
            next = waiting.poll();
            if (next == null) {
                inFlight--;
            }
        }
        refused.forEach(silent -> silent.result().completeExceptionally(failure));
        if (next == null) {
            return;
        }
        try {
            starter.execute(next.start());
        } catch (RejectedExecutionException closed) {
            // The broker is closing: nothing waiting will start any more.
            for (Waiting refusedNow = next; refusedNow != null; refusedNow = nextWaiting()) {
                refusedNow.result().completeExceptionally(new IllegalStateException("the broker is closing", closed));
            }
        }
    }

    /** Lettuce's timeout, perhaps wrapped by the stages the command went through. */
    private static boolean timedOut(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RedisCommandTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private synchronized Waiting nextWaiting() {
        return waiting.poll();
    }
}
