package dev.streamrpc.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An application executor that refuses work at times: the client's callbacks still all run, and it keeps reading. */
class RefusingExecutorIT {

    @RegisterExtension
    static final RunningServer SERVER = new RunningServer();

    @Test
    void whileTheExecutorRefusesEveryMessageStillReachesTheHandlerInOrderAndReadingGoesOn() {
        // One thread and no queue: while that thread is busy, every task is refused.
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>());
        CountDownLatch busy = new CountDownLatch(1);
        executor.execute(() -> SlowHandlerIT.waitFor(busy));
        Inbox inbox = new Inbox();
        try (StreamClient client = StreamClient.builder(SERVER.uri()).executor(executor).inboundLimit(8).connect();
             StreamClient publisher = StreamClient.connect(SERVER.uri())) {
            client.subscribe("refused", inbox).join();

            SlowHandlerIT.publishAll(publisher, "refused", 50, 10);     // far more than the 8 messages read ahead
            await().atMost(Duration.ofSeconds(20)).until(() -> inbox.messages.size() >= 50);
            busy.countDown();
            SlowHandlerIT.publishAll(publisher, "refused", 50, 10);
            await().atMost(Duration.ofSeconds(20)).until(() -> inbox.messages.size() >= 100);

            List<Integer> numbers = inbox.messages.stream().map(message -> message.data().asJsonObject().getInt("n")).toList();
            assertThat(numbers).containsExactlyElementsOf(IntStream.range(0, 100).map(n -> n % 50).boxed().toList());
        } finally {
            busy.countDown();
            executor.shutdown();
        }
    }
}
