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
 * <p>A question sends a PING unless one is already waiting or one was sent less than a second
 * ago (anyone can ask {@code /health} as often as they like; Redis is shared), and never waits
 * for it: a health probe must not hold a request thread for Redis. Redis counts as silent once
 * a PING has waited a whole broker timeout, or the last one failed, until one is answered; so
 * a freeze is reported by the first probe about one timeout after it began, and a recovery by
 * a probe after the one that found Redis answering again.
 */
final class Liveness {

    private static final long INTERVAL = 1_000_000_000L;

    private final long timeout;
    private final LongSupplier clock;
    private boolean waiting;
    private long sentAt;
    private boolean failed;

    /** @param clock {@link System#nanoTime}, or a test's */
    Liveness(Duration timeout, LongSupplier clock) {
        this.timeout = timeout.toNanos();
        this.clock = clock;
        this.sentAt = clock.getAsLong() - INTERVAL;   // as if the last was sent a second ago: the first probe sends one
    }

    /**
     * @param ping sends a PING; its stage completes with the answer or fails (Lettuce's timeout).
     *             It is called outside this object's lock: Lettuce may complete a command on its
     *             event loop while a write waits for that loop, and the completion takes the lock.
     */
    boolean answering(Supplier<? extends CompletionStage<?>> ping) {
        long now = clock.getAsLong();
        boolean send;
        synchronized (this) {
            send = !waiting && now - sentAt >= INTERVAL;
            if (send) {
                waiting = true;
                sentAt = now;
            }
        }
        if (send) {
            try {
                ping.get().whenComplete((pong, failure) -> answered(failure == null));
            } catch (RuntimeException refused) {
                answered(false);   // otherwise it would wait for good, and health would say silent until a restart
            }
        }
        synchronized (this) {
            return !failed && !(waiting && now - sentAt >= timeout);
        }
    }

    private synchronized void answered(boolean ok) {
        waiting = false;
        failed = !ok;
    }
}
