package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.WriteBehindThread;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InboundThreadTest {

    private final InboundThread thread = new InboundThread();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Runnable write = () -> log.add("write");

    @Test
    void tasksQueuedBehindEachOtherWriteOnceWhenTheQueueRunsDryOrTheRunIsFull() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        thread.execute(() -> await(gate));
        int tasks = WriteBehindThread.MOST_STEPS + 10;
        for (int i = 0; i < tasks; i++) {
            thread.execute(this::taskThatWrites);
        }
        gate.countDown();
        stop();
        List<String> expected = new ArrayList<>();
        expected.addAll(Collections.nCopies(WriteBehindThread.MOST_STEPS - 1, "task"));   // the gate was the run's first task
        expected.add("write");
        expected.addAll(Collections.nCopies(tasks - WriteBehindThread.MOST_STEPS + 1, "task"));
        expected.add("write");
        assertThat(log).isEqualTo(expected);
    }

    @Test
    void aTaskAloneWritesAsItEnds() throws Exception {
        CountDownLatch written = new CountDownLatch(1);
        thread.execute(() -> WriteBehindThread.later(written::countDown));
        assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
        thread.execute(this::taskThatWrites);
        stop();
        assertThat(log).containsExactly("task", "write");
    }

    @Test
    void aTaskThatFailsStillWritesWhatItsRunKept() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        thread.execute(() -> await(gate));
        thread.execute(this::taskThatWrites);
        thread.execute(() -> {
            throw new IllegalStateException("a failing task (expected in this test)");
        });
        thread.execute(() -> log.add("after"));
        gate.countDown();
        stop();
        assertThat(log).containsExactly("task", "write", "after");
    }

    private void taskThatWrites() {
        log.add("task");
        assertThat(WriteBehindThread.later(write)).isTrue();
    }

    private void stop() throws InterruptedException {
        thread.shutdown();
        assertThat(thread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static void await(CountDownLatch gate) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
