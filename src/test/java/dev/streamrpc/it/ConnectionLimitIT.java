package dev.streamrpc.it;

import dev.streamrpc.api.ConnectionAuthenticator;
import dev.streamrpc.api.Handshake;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Handshakes admitted together cannot pass {@code stream.max-connections}. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConnectionLimitIT {

    private static final int LIMIT = 3;
    private static final int HANDSHAKES = 6;

    /**
     * Holds each handshake until all six have reached it, or three seconds have passed: were the
     * limit checked without counting handshakes under way, all six would be here together.
     */
    @ApplicationScoped
    public static class GatheringAuthenticator implements ConnectionAuthenticator {
        private static final CountDownLatch ARRIVED = new CountDownLatch(HANDSHAKES);

        @Override
        public Principal authenticate(Handshake handshake) {
            ARRIVED.countDown();
            try {
                ARRIVED.await(3, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return () -> "anyone";
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("connection-limit", new Class<?>[] {GatheringAuthenticator.class},
                "stream.max-connections=" + LIMIT);
    }

    @ArquillianResource
    URL base;

    @Test
    void handshakesUnderWayHoldTheirPlacesUnderTheLimit() {
        URI stream = Endpoints.stream(base);
        ExecutorService clients = Executors.newFixedThreadPool(HANDSHAKES);
        try {
            List<CompletableFuture<Integer>> statuses = IntStream.range(0, HANDSHAKES)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> WsClient.handshakeStatus(stream, List.of()), clients))
                    .toList();
            List<Integer> seen = statuses.stream().map(CompletableFuture::join).sorted().toList();
            // Before: all six were admitted (the limit saw no open connection) and got 101.
            assertThat(seen).containsExactly(101, 101, 101, 503, 503, 503);
        } finally {
            clients.shutdownNow();
        }
    }
}
