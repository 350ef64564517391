package dev.streamrpc.broker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WriteBehindThreadTest {

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aWriteAskedAgainAfterItRanInAFlushRunsAgainLater() throws InterruptedException {
        Runnable first = () -> log.add("first");
        // As a connection whose send fails can complete another's reply on the same thread.
        Runnable second = () -> {
            log.add("second");
            assertThat(WriteBehindThread.later(first)).isTrue();
        };
        WriteBehindThread thread = new WriteBehindThread(() -> {
            WriteBehindThread self = (WriteBehindThread) Thread.currentThread();
            self.open();
            WriteBehindThread.later(first);
            WriteBehindThread.later(second);
            for (int i = 0; i < WriteBehindThread.MOST_STEPS; i++) {
                self.step();   // the last step flushes, and the run stays open
            }
            log.add("flushed");
            self.close();
        }, "inbound");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(log).containsExactly("first", "second", "flushed", "first");
    }

    /** A run keeps 256 writes at most: the next goes out at once, so one run cannot hold back every connection's writes. */
    @Test
    void aRunKeepsAtMost256WritesAndTheNextGoesOutAtOnce() throws InterruptedException {
        List<Boolean> kept = Collections.synchronizedList(new ArrayList<>());
        WriteBehindThread thread = new WriteBehindThread(() -> {
            WriteBehindThread self = (WriteBehindThread) Thread.currentThread();
            self.open();
            for (int i = 0; i < 257; i++) {
                String name = "w" + i;
                kept.add(WriteBehindThread.later(() -> log.add(name)));
            }
            log.add("closing");
            self.close();
        }, "inbound");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(kept.subList(0, 256)).containsOnly(true);
        assertThat(kept.get(256)).as("the caller writes this one itself").isFalse();
        assertThat(log).hasSize(257).startsWith("closing", "w0").endsWith("w255");
    }
}
