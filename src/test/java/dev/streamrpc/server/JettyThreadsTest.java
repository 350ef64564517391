package dev.streamrpc.server;

import dev.streamrpc.broker.WriteBehindThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class JettyThreadsTest {

    private final JettyThreads threads = new JettyThreads(8);

    @AfterEach
    void stop() throws Exception {
        threads.stop();
    }

    @Test
    void aReservedThreadsTaskWritesWhatItKeptBeforeTheThreadParks() throws Exception {
        threads.setReservedThreads(1);
        threads.start();
        CountDownLatch written = new CountDownLatch(1);
        Runnable keepsAWrite = () -> {
            ((WriteBehindThread) Thread.currentThread()).open();
            assertThat(WriteBehindThread.later(written::countDown)).isTrue();
        };
        // A reserved thread is started on the first asks; the task is handed over once one waits.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!threads.tryExecute(keepsAWrite)) {
            assertThat(System.nanoTime()).as("a reserved thread took the task").isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(written.await(10, TimeUnit.SECONDS)).as("the kept write ran").isTrue();
    }

    @Test
    void aJobsEndWritesWhatItKept() throws Exception {
        threads.start();
        CountDownLatch written = new CountDownLatch(1);
        threads.execute(() -> {
            ((WriteBehindThread) Thread.currentThread()).open();
            assertThat(WriteBehindThread.later(written::countDown)).isTrue();
        });
        assertThat(written.await(10, TimeUnit.SECONDS)).as("the kept write ran").isTrue();
    }
}
