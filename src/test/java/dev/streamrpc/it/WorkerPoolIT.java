package dev.streamrpc.it;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bounded pool of blocking RPC methods: when its queue is full a call is refused at once,
 * and nothing else waits behind it; closing a slow consumer in particular does not.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WorkerPoolIT {

    private static final int QUEUE = 20;

    /** A blocking method that sleeps until woken; non-blocking ones that make naps sleep, wake them, or tell. */
    @ApplicationScoped
    public static class Sleepers {
        private volatile CountDownLatch alarm = new CountDownLatch(0);

        @RpcMethod
        public String nap() throws InterruptedException {
            alarm.await(30, TimeUnit.SECONDS);
            return "rested";
        }

        @RpcMethod(blocking = false)
        public void sleep() {
            alarm = new CountDownLatch(1);
        }

        @RpcMethod(blocking = false)
        public void wake() {
            alarm.countDown();
        }

        @RpcMethod(blocking = false)
        public boolean asleep() {
            return alarm.getCount() == 1;
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("workers", new Class<?>[] {Sleepers.class},
                "stream.rpc-workers=1", "stream.rpc-queue=" + QUEUE, "stream.max-queued-bytes=65536",
                "stream.rate-limit=100000", "stream.rate-burst=100000");
    }

    @ArquillianResource
    URL base;

    @BeforeEach
    void napsSleep() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            client.call("sleep", "{}");
        }
    }

    /** Wakes every nap, and waits for one more: the single worker takes calls in order, so all are done. */
    @AfterEach
    void napsEnd() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            client.call("wake", "{}");
            assertThat(client.call("nap", "{}").getString("response")).isEqualTo("rested");
        }
    }

    @Test
    void callsBeyondAFullQueueAreRefusedAtOnce() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            List<String> naps = new ArrayList<>();
            for (int i = 0; i < QUEUE + 5; i++) {     // one running (once the worker has taken it), the queue full, the rest over
                naps.add(client.request("nap", "{}"));
            }
            // While every worker sleeps, only refusals can be answered: they come first.
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                JsonObject reply = client.next();
                assertThat(reply.getJsonObject("error").getString("message")).isEqualTo("Internal server error");
                refused.add(reply.getString("id"));
            }
            assertThat(refused).isSubsetOf(naps.subList(QUEUE, QUEUE + 5));
            client.call("wake", "{}");
            int rested = 0;
            for (String id : naps) {
                if (!refused.contains(id)) {
                    JsonObject reply = client.replyTo(id);
                    rested += reply.containsKey("response") ? 1 : 0;
                }
            }
            assertThat(rested).as("the worker may not have taken the first nap before the queue filled").isBetween(QUEUE, QUEUE + 1);
        }
    }

    @Test
    void aSlowConsumerIsClosedWhileTheWorkersAreBusy() {
        String data = "\"" + "x".repeat(4000) + "\"";
        try (WsClient sleeper = WsClient.connect(Endpoints.stream(base));
             WsClient slow = WsClient.connectPaused(Endpoints.stream(base));
             WsClient publisher = WsClient.connect(Endpoints.stream(base))) {
            for (int i = 0; i < QUEUE / 2; i++) {   // one asleep, the rest queued: the pool is busy but not full
                sleeper.request("nap", "{}");
            }
            slow.request("subscribe", "{\"channel\":\"hose\"}");
            for (int i = 0; i < 2000; i++) {   // 8 MB: far past 64 KiB and the socket buffers
                publisher.call("publish", "{\"channel\":\"hose\",\"data\":" + data + "}");
            }
            slow.resume();
            WsClient.Close close = slow.awaitClose();
            assertThat(close.code()).isEqualTo(1008);
            assertThat(close.reason()).isEqualTo("slow consumer");
            assertThat(publisher.call("asleep", "{}").getBoolean("response")).as("the workers were still asleep").isTrue();
        }
    }
}
