package dev.streamrpc.broker.redis;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Whether Redis answers, as health reports ask it. A Redis that stops answering without
 * closing its connections (frozen, swapping, stuck in a long script) leaves Lettuce's
 * connection open, so "connected" alone would keep this server in a load balancer's rotation
 * while every publish times out.
 *
 * <p>Each question sends a PING unless one is already waiting, and never waits for it: a
 * health probe must not hold a request thread for Redis. Redis counts as silent once a PING
 * has waited a whole broker timeout, or the last one failed, until one is answered; so a
 * freeze is reported by the first probe one timeout after it began, and a recovery by the
 * probe after the one that found Redis answering again.
 */
final class Liveness {

    private final long timeout;
    private final LongSupplier clock;
    private boolean waiting;
    private long sentAt;
    private boolean failed;

    /** @param clock {@link System#nanoTime}, or a test's */
    Liveness(Duration timeout, LongSupplier clock) {
        this.timeout = timeout.toNanos();
        this.clock = clock;
    }

    /** @param ping sends a PING; its stage completes with the answer or fails (Lettuce's timeout) */
    synchronized boolean answering(Supplier<? extends CompletionStage<?>> ping) {
        long now = clock.getAsLong();
        if (!waiting) {
            waiting = true;
            sentAt = now;
            ping.get().whenComplete((pong, failure) -> answered(failure == null));
        }
        return !failed && !(waiting && now - sentAt >= timeout);
    }

    private synchronized void answered(boolean ok) {
        waiting = false;
        failed = !ok;
    }
}
