package dev.streamrpc.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential backoff with full jitter. The ceiling doubles from the minimum
 * after each failed attempt up to the maximum, and each delay is drawn uniformly between zero
 * and the ceiling, so that many clients dropped at once by a restarting server do not come
 * back in step. Used by one reconnect sequence at a time, under the client's lock.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private long ceiling;

    Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.ceiling = minMillis;
    }

    /** The delay before the next attempt; each call counts one attempt. */
    long nextDelayMillis() {
        long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
        ceiling = ceiling > maxMillis / 2 ? maxMillis : ceiling * 2;
        return delay;
    }

    /** A connection opened: the next drop starts again from the minimum. */
    void reset() {
        ceiling = minMillis;
    }
}
