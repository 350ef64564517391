package dev.streamrpc.it;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.RawFrameClient;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.jetty.websocket.core.OpCode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Section 1 of PROTOCOL.md (frames and close codes), and how requests are scheduled. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TransportIT {

    /** A blocking method that waits until released, and one that answers later. */
    @ApplicationScoped
    public static class Fixture {

        public record Hold(String name) {
        }

        static final CountDownLatch RELEASE = new CountDownLatch(1);

        @RpcMethod
        public String hold(Hold hold) throws InterruptedException {
            RELEASE.await(20, TimeUnit.SECONDS);
            return hold.name();
        }

        @RpcMethod
        public void release() {
            RELEASE.countDown();
        }

        @RpcMethod
        public CompletionStage<String> later() {
            return CompletableFuture.supplyAsync(() -> "done", CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("transport", new Class<?>[] {Fixture.class, Fixture.Hold.class},
                "stream.max-message-bytes=1024");
    }

    @ArquillianResource
    URL base;

    /** Browsers offer permessage-deflate on every connection; it is declined unless stream.compression asks for it. */
    @Test
    void anOfferOfCompressionIsDeclinedByDefault() throws Exception {
        try (RawFrameClient client = new RawFrameClient(Endpoints.stream(base), "permessage-deflate")) {
            assertThat(client.negotiatedExtensions()).isEmpty();
            client.sendText("{\"id\":1,\"method\":\"echo\",\"payload\":{\"s\":\"x\"}}".getBytes(StandardCharsets.UTF_8));
            assertThat(client.nextText()).isEqualTo("{\"id\":1,\"method\":\"echo\",\"response\":{\"s\":\"x\"}}");
        }
    }

    @Test
    void aBinaryFrameClosesWith1003() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertThat(client.awaitClose().code()).isEqualTo(1003);
        }
    }

    @Test
    void aBinaryMessageClosesWith1003WhateverItsSize() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            client.sendBinary(new byte[100_000]);
            assertThat(client.awaitClose().code()).isEqualTo(1003);
        }
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            client.sendBinaryFragment(new byte[] {1, 2, 3});
            assertThat(client.awaitClose().code()).as("closed at the first fragment").isEqualTo(1003);
        }
    }

    @Test
    void aTextMessageOverTheLimitClosesWith1009AndOneAtTheLimitIsServed() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            String prefix = "{\"id\":1,\"method\":\"echo\",\"payload\":{\"s\":\"";
            String suffix = "\"}}";
            String atLimit = prefix + "x".repeat(1024 - prefix.length() - suffix.length()) + suffix;
            client.send(atLimit);
            assertThat(client.next().getJsonObject("response").getString("s")).hasSize(1024 - prefix.length() - suffix.length());
            client.send(atLimit.replace("\"s\":\"", "\"s\":\"xx"));
            assertThat(client.awaitClose().code()).isEqualTo(1009);
        }
    }

    @Test
    void invalidUtf8ClosesWith1007() throws Exception {
        try (RawFrameClient client = new RawFrameClient(Endpoints.stream(base))) {
            client.sendText(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            assertThat(client.awaitCloseCode()).isEqualTo(1007);
        }
    }

    @Test
    void aCharacterSplitAcrossFragmentsIsJoinedFirst() throws Exception {
        byte[] whole = "{\"id\":\"é\",\"method\":\"echo\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);
        int split = 8; // between the two bytes of é
        assertThat(whole[split - 1]).isEqualTo((byte) 0xC3);
        try (RawFrameClient client = new RawFrameClient(Endpoints.stream(base))) {
            client.sendFrame(OpCode.TEXT, Arrays.copyOfRange(whole, 0, split), false);
            client.sendFrame(OpCode.CONTINUATION, Arrays.copyOfRange(whole, split, whole.length), true);
            assertThat(WsClient.parse(client.nextText())).isEqualTo(WsClient.parse("{\"id\":\"é\",\"method\":\"echo\",\"response\":{}}"));
        }
    }

    @Test
    void aPlainGetWithoutUpgradeGets400AndAJsonBody() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base.toString() + "stream")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
        assertThat(WsClient.parse(response.body())).isEqualTo(WsClient.parse("{\"message\": \"Unable to open websocket connection\"}"));
    }

    @Test
    void aBlockingMethodHoldsUpNeitherItsConnectionNorOthers() {
        try (WsClient a = WsClient.connect(Endpoints.stream(base)); WsClient b = WsClient.connect(Endpoints.stream(base))) {
            String held = a.request("hold", "{\"name\":\"first\"}");
            // While hold() waits, a later request on the same connection and one on another connection are answered.
            assertThat(a.call("echo", "{\"n\":1}").getJsonObject("response").getInt("n")).isEqualTo(1);
            assertThat(b.call("echo", "{\"n\":2}").getJsonObject("response").getInt("n")).isEqualTo(2);
            assertThat(a.nextTextWithin(Duration.ofMillis(200))).as("hold() must still be waiting").isNull();
            b.call("release", "{}");
            assertThat(a.replyTo(held).getString("response")).isEqualTo("first");
        }
    }

    @Test
    void aCompletionStageResultIsSentWhenItCompletes() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            assertThat(client.call("later", "{}").getString("response")).isEqualTo("done");
        }
    }

    /**
     * On Jetty, Weld decorated every object the web app's factory creates, Jetty's WebSocket
     * decoders included (created for each connection), and its cache of injection targets
     * holds them weakly: a connection opening just after a collection failed with 1011. Here
     * the heap is collected half the time while connections open, twenty at a time. Each
     * collection is followed by as long without one: collecting without pause left the
     * connections so little time that 200 took 212 s, and on a loaded machine one of them
     * waited more than the client's 10 s.
     */
    @Test
    void connectionsOpeningWhileTheHeapIsCollectedAreAllServed() throws Exception {
        AtomicBoolean collecting = new AtomicBoolean(true);
        Thread collector = new Thread(() -> {
            while (collecting.get()) {
                long start = System.nanoTime();
                System.gc();
                LockSupport.parkNanos(System.nanoTime() - start);
            }
        }, "collector");
        ExecutorService opening = Executors.newFixedThreadPool(20);
        collector.start();
        try {
            for (int round = 0; round < 10; round++) {
                List<Future<WsClient>> clients = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    clients.add(opening.submit(() -> WsClient.connect(Endpoints.stream(base))));
                }
                for (Future<WsClient> opened : clients) {
                    try (WsClient client = opened.get()) {
                        assertThat(client.call("echo", "{\"n\":1}").getJsonObject("response").getInt("n")).isEqualTo(1);
                    }
                }
            }
        } finally {
            collecting.set(false);
            collector.join();
            opening.shutdown();
        }
    }
}
