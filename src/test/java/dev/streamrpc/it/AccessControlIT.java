package dev.streamrpc.it;

import dev.streamrpc.api.ChannelAuthorizer;
import dev.streamrpc.api.ConnectionAuthenticator;
import dev.streamrpc.api.Handshake;
import dev.streamrpc.api.HandshakeRefused;
import dev.streamrpc.api.Publisher;
import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.BurstClient;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.Metrics;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/** The origin check, a bearer-token authenticator, and a channel authorizer. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AccessControlIT {

    /** Tokens from {@code ?token=} or the second subprotocol ({@code ["bearer", token]}). */
    @ApplicationScoped
    public static class TokenAuthenticator implements ConnectionAuthenticator {
        @Override
        public Principal authenticate(Handshake handshake) throws HandshakeRefused {
            List<String> protocols = handshake.subprotocols();
            Optional<String> token = handshake.queryParameter("token")
                    .or(() -> protocols.size() == 2 && protocols.get(0).equals("bearer") ? Optional.of(protocols.get(1)) : Optional.empty());
            if (token.isEmpty()) {
                throw HandshakeRefused.unauthorized("token required");
            }
            return switch (token.get()) {
                case "alice-token" -> () -> "alice";
                case "bob-token" -> () -> "bob";
                default -> throw HandshakeRefused.forbidden("unknown token");
            };
        }
    }

    /** Only alice may use "admin"; nobody publishes on "announcements". */
    @ApplicationScoped
    public static class Rules implements ChannelAuthorizer {
        @Override
        public boolean maySubscribe(Optional<Principal> principal, String channel, String eventPattern) {
            return !channel.equals("admin") || principal.map(Principal::getName).orElse("").equals("alice");
        }

        @Override
        public boolean mayPublish(Optional<Principal> principal, String channel, String event) {
            return !channel.equals("announcements");
        }
    }

    @ApplicationScoped
    public static class WhoAmI {
        @Inject
        Publisher publisher;

        @RpcMethod
        public String whoami(RpcContext context) {
            return context.principal().map(Principal::getName).orElse("anonymous");
        }

        /** Application code publishing where no client may: the authorizer is not asked. */
        @RpcMethod
        public CompletionStage<Void> announce(Map<String, Object> announcement) {
            return publisher.publish("announcements", "news", announcement);
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("access", new Class<?>[] {TokenAuthenticator.class, Rules.class, WhoAmI.class},
                "stream.allowed-origins=self,https://app.example.com");
    }

    @ArquillianResource
    URL base;

    private URI stream(String query) {
        return URI.create(Endpoints.stream(base) + query);
    }

    @Test
    void handshakesWithoutAGoodTokenAreRefusedBeforeTheUpgradeAndCounted() throws Exception {
        String unauthorized = "streamrpc_handshakes_refused_total{status=\"401\"}";
        String forbidden = "streamrpc_handshakes_refused_total{status=\"403\"}";
        double unauthorizedBefore = Metrics.value(stream(""), unauthorized);
        double forbiddenBefore = Metrics.value(stream(""), forbidden);
        assertThat(WsClient.handshakeStatus(stream(""), List.of())).isEqualTo(401);
        assertThat(WsClient.handshakeStatus(stream("?token=stolen"), List.of())).isEqualTo(403);
        assertThat(WsClient.handshakeStatus(stream("?token=stolen"), List.of())).isEqualTo(403);
        assertThat(WsClient.handshakeStatus(stream("?token=alice-token"), List.of())).isEqualTo(101);
        assertThat(WsClient.handshakeStatus(stream(""), List.of("bearer", "bob-token"))).isEqualTo(101);
        // Counted rather than logged one line each: anyone can send them as fast as they like.
        assertThat(Metrics.value(stream(""), unauthorized) - unauthorizedBefore).isEqualTo(1);
        assertThat(Metrics.value(stream(""), forbidden) - forbiddenBefore).isEqualTo(2);
    }

    @Test
    void anUpgradeHeaderThatAlsoNamesAnotherProtocolIsCheckedToo() throws IOException {
        assertThat(BurstClient.handshakeStatus(stream("?token=alice-token"), "Upgrade: x\r\nUpgrade: websocket\r\n"))
                .as("the container upgrades such a request").isEqualTo(101);
        assertThat(BurstClient.handshakeStatus(stream(""), "Upgrade: x\r\nUpgrade: websocket\r\n")).isEqualTo(401);
        assertThat(BurstClient.handshakeStatus(stream(""), "Upgrade: websocket\r\nUpgrade: x\r\n")).isEqualTo(401);
        assertThat(BurstClient.handshakeStatus(stream(""), "Upgrade: x, websocket\r\n")).isEqualTo(401);
    }

    @Test
    void aBrowserSendingItsTokenAsASubprotocolGetsBearerBack() {
        try (WsClient browser = WsClient.connectOffering(stream(""), List.of("bearer", "bob-token"))) {
            assertThat(browser.subprotocol()).isEqualTo("bearer");
            assertThat(browser.call("whoami", "{}").getString("response")).isEqualTo("bob");
        }
    }

    /** The server answers with bearer, never with the token offered beside it (proxies log response headers). */
    @Test
    void aTokenOfferedBeforeBearerIsNotEchoed() {
        try (WsClient client = WsClient.connectOffering(stream("?token=alice-token"), List.of("alice-token", "bearer"))) {
            assertThat(client.subprotocol()).isEqualTo("bearer");
        }
    }

    @Test
    void applicationCodePublishesWhereTheAuthorizerRefusesClients() {
        try (WsClient bob = WsClient.connect(stream("?token=bob-token"))) {
            bob.call("subscribe", "{\"channel\":\"announcements\"}");
            assertThat(bob.call("announce", "{\"text\":\"hello\"}").containsKey("response")).isTrue();
            assertThat(bob.next().toString()).isEqualTo("{\"channel\":\"announcements\",\"event\":\"news\",\"data\":{\"text\":\"hello\"}}");
        }
    }

    @Test
    void thePrincipalReachesRpcMethods() {
        try (WsClient alice = WsClient.connect(stream("?token=alice-token"))) {
            assertThat(alice.call("whoami", "{}").getString("response")).isEqualTo("alice");
        }
    }

    @Test
    void originsNotOnTheListGet403() {
        String host = "localhost:" + base.getPort();
        assertThat(WsClient.handshakeStatus(stream("?token=alice-token"), List.of(), "Origin", "https://evil.example.net")).isEqualTo(403);
        assertThat(WsClient.handshakeStatus(stream("?token=alice-token"), List.of(), "Origin", "https://app.example.com")).isEqualTo(101);
        assertThat(WsClient.handshakeStatus(stream("?token=alice-token"), List.of(), "Origin", "http://" + host)).isEqualTo(101);
    }

    @Test
    void theAuthorizerRefusesASubscribeAndAPublish() {
        try (WsClient bob = WsClient.connect(stream("?token=bob-token")); WsClient alice = WsClient.connect(stream("?token=alice-token"))) {
            String notAllowed = "{\"message\":\"Invalid RPC parameters\",\"errors\":{\"channel\":\"Not allowed\"}}";
            assertThat(bob.call("subscribe", "{\"channel\":\"admin\"}").getJsonObject("error").toString()).isEqualTo(notAllowed);
            assertThat(alice.call("subscribe", "{\"channel\":\"admin\"}").containsKey("response")).isTrue();
            assertThat(alice.call("publish", "{\"channel\":\"announcements\",\"data\":1}").getJsonObject("error").toString())
                    .isEqualTo(notAllowed);
            assertThat(alice.call("publish", "{\"channel\":\"admin\",\"data\":1}").containsKey("response")).isTrue();
            assertThat(alice.next().getInt("data")).isEqualTo(1);
        }
    }
}
