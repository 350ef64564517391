package dev.streamrpc.broker.redis;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
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
 */
final class InFlightLimit {

    /** A command waiting for its place, and the stage its caller holds. */
    private record Waiting(Runnable start, CompletableFuture<?> result) {
    }

    private final int limit;
    private final Executor starter;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();    // guarded by this
    private int inFlight;                                               // guarded by this

    /** @param starter where a waiting command is started once a place frees (never the completing thread, so a run of commands that fail at once cannot grow the stack) */
    InFlightLimit(int limit, Executor starter) {
        this.limit = limit;
        this.starter = starter;
    }

    /** Runs {@code command} now if fewer than the limit are in flight, else once one is answered. */
    <T> CompletionStage<T> submit(Supplier<CompletionStage<T>> command) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            CompletionStage<T> running;
            try {
                running = command.get();
            } catch (RuntimeException e) {
                running = CompletableFuture.failedFuture(e);
            }
            running.whenComplete((value, failure) -> {
                answered();
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
                waiting.add(new Waiting(start, result));
            }
        }
        if (now) {
            start.run();
        }
        return result;
    }

    /** A command was answered: its place goes to the next waiting one, if any. */
    private void answered() {
        Waiting next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
            }
        }
        if (next == null) {
            return;
        }
        try {
            starter.execute(next.start());
        } catch (RejectedExecutionException closed) {
            // The broker is closing: nothing waiting will start any more.
            for (Waiting refused = next; refused != null; refused = nextWaiting()) {
                refused.result().completeExceptionally(new IllegalStateException("the broker is closing", closed));
            }
        }
    }

    private synchronized Waiting nextWaiting() {
        return waiting.poll();
    }
}
