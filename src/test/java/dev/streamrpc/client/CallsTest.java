package dev.streamrpc.client;

import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class CallsTest {

    /**
     * StreamClient.close() fails every call while another thread may be starting one; here it
     * does so at the worst moment, as the call's timeout is being scheduled. The call was in the
     * map without a timeout then, and failing it threw a NullPointerException before its
     * outcome was told. Now it is not yet in the map: failAll passes it by, and the connection,
     * closed, then fails it when it is sent.
     */
    @Test
    void aCallStartedWhileEveryCallIsFailedEndsOnceAndLeavesNoTimeoutBehind() throws Exception {
        AtomicReference<Calls> calls = new AtomicReference<>();
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1) {
            @Override
            public ScheduledFuture<?> schedule(Runnable task, long delay, TimeUnit unit) {
                calls.get().failAll(new ConnectionLost("The client is closed"));
                return super.schedule(task, delay, unit);
            }
        };
        timer.setRemoveOnCancelPolicy(true);
        List<Object> outcomes = new CopyOnWriteArrayList<>();
        try {
            calls.set(new Calls(new Wire(JsonbBuilder.create()), timer, Duration.ofSeconds(10), call -> { }));

            Calls.Call call = calls.get().start("echo", Map.of(), new Calls.Outcome() {
                @Override
                public void succeeded(JsonValue response) {
                    outcomes.add(response);
                }

                @Override
                public void failed(Throwable error) {
                    outcomes.add(error.getMessage());
                }
            });
            calls.get().fail(call, new ConnectionLost("The client is closed"));
            calls.get().failAll(new ConnectionLost("again"));

            assertThat(outcomes).containsExactly("The client is closed");
            assertThat(timer.getQueue()).isEmpty();
        } finally {
            timer.shutdownNow();
        }
    }
}
