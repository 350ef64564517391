package dev.streamrpc.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/** Latencies in 20 µs buckets up to 20 s, recorded from many threads without locks. */
final class Histogram {

    private static final long BUCKET_NANOS = 20_000;
    private static final int BUCKETS = 1_000_000;
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS + 1);

    void record(long nanos) {
        counts.incrementAndGet((int) Math.max(0, Math.min(BUCKETS, nanos / BUCKET_NANOS)));
    }

    /** The p-quantile in milliseconds (p = 1 for the maximum); NaN when empty. */
    double percentileMillis(double p) {
        long total = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            total += counts.get(i);
        }
        if (total == 0) {
            return Double.NaN;
        }
        long target = Math.max(1, (long) Math.ceil(total * p));
        long seen = 0;
        for (int i = 0; i <= BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= target) {
                return (i + 1) * BUCKET_NANOS / 1e6;
            }
        }
        return Double.NaN;
    }
}
