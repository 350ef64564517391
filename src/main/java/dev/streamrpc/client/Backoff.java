package dev.streamrpc.client;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reconnect delays: exponential backoff with full jitter. The ceiling doubles from the minimum
 * after each failed attempt up to the maximum, and each delay is drawn uniformly between zero
 * and the ceiling, so that many clients dropped at once by a restarting server do not come
 * back in step. A connection ends the sequence only if it stayed up as long as the maximum
 * delay: one that drops sooner (a proxy that takes the upgrade and then drops it, a recovery
 * reply longer than the client accepts) counts as one more failed attempt, or the client would
 * come back within the minimum delay, again and again. Used by one reconnect sequence at a
 * time, under the client's lock.
 */
final class Backoff {

    private final long minMillis;
    private final long maxMillis;
    private long ceiling;

    Backoff(Duration min, Duration max) {
        // At least 1 ms: the builder accepts any positive minimum, and a ceiling of 0 would double to 0 forever.
        this.minMillis = Math.max(1, min.toMillis());
        this.maxMillis = Math.max(minMillis, max.toMillis());
        this.ceiling = minMillis;
    }

    /** The delay before the next attempt; each call counts one attempt. */
    long nextDelayMillis() {
        long delay = ThreadLocalRandom.current().nextLong(ceiling + 1);
        ceiling = ceiling > maxMillis / 2 ? maxMillis : ceiling * 2;
        return delay;
    }

    /** A connection ended after being open for {@code uptime}: if that was long enough, the next delay starts again from the minimum. */
    void ended(Duration uptime) {
        if (uptime.toMillis() >= maxMillis) {
            ceiling = minMillis;
        }
    }
}
