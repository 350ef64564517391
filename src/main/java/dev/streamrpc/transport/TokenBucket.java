package dev.streamrpc.transport;

/**
 * A token bucket: {@code burst} tokens at most, refilled at {@code perSecond}; each request
 * takes one. One per connection; its lock is never contended (a connection's frames are
 * read one at a time), it only orders the reads of successive container threads.
 */
final class TokenBucket {

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    TokenBucket(double perSecond, double burst, long now) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** Takes a token at time {@code now} (nanoseconds); false when none is left. */
    synchronized boolean tryTake(long now) {
        tokens = Math.min(burst, tokens + (now - last) * perNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
