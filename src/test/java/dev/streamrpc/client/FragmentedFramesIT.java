package dev.streamrpc.client;

import jakarta.json.JsonObject;
import jakarta.websocket.OnMessage;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static dev.streamrpc.client.ClientErrorsIT.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Text messages split over several WebSocket frames are joined before they are read. The
 * StreamRPC server sends each message in one frame, so a small Jetty endpoint stands in for it
 * here: it answers every request with its payload, in three fragments, and after a
 * {@code subscribe} sends a channel message in three fragments too.
 */
class FragmentedFramesIT {

    private static final String TEXT = "héllo wörld — 😀 ✓ ".repeat(20);

    private static Server jetty;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        jetty.setHandler(context);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> container.addEndpoint(Fragmenting.class));
        jetty.start();
        uri = URI.create("ws://localhost:" + connector.getLocalPort() + "/stream");
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
    }

    @Test
    void aReplyAndAMessageSentInFragmentsArriveWhole() {
        Inbox inbox = new Inbox();
        try (StreamClient client = StreamClient.connect(uri)) {
            assertThat(client.call("echo", Map.of("text", TEXT)).join().asJsonObject().getString("text")).isEqualTo(TEXT);
            client.subscribe("fragments", inbox).join();
            inbox.awaitLog("in-pieces");
            assertThat(inbox.messages.get(0).data().asJsonObject().getString("text")).isEqualTo(TEXT);
        }
    }

    @Test
    void aMessageLongerThanTheLimitDropsTheConnectionAndTheClientReconnects() throws Exception {
        try (StreamClient client = StreamClient.builder(uri).maxMessageLength(TEXT.length())
                .reconnectDelay(Duration.ofMillis(50), Duration.ofMillis(200)).connect()) {
            assertThat(failure(client.call("echo", Map.of("text", TEXT)), ConnectionLost.class))
                    .hasMessageContaining("a message longer than " + TEXT.length() + " characters");
            await().until(() -> client.state() == State.OPEN);
            assertThat(client.call("echo", Map.of("text", "short")).join().asJsonObject().getString("text")).isEqualTo("short");
        }
    }

    /** The stand-in server: echoes each request's payload in three fragments. */
    @ServerEndpoint("/stream")
    public static class Fragmenting {

        @OnMessage
        public void text(Session session, String frame) throws IOException {
            JsonObject request = Wire.parse(frame);
            JsonObject payload = request.getJsonObject("payload");
            sendInThreeFragments(session.getBasicRemote(), "{\"id\":" + request.get("id") + ",\"method\":" + request.get("method")
                    + ",\"response\":" + payload + "}");
            if (request.getString("method").equals("subscribe")) {
                sendInThreeFragments(session.getBasicRemote(), "{\"channel\":" + payload.get("channel")
                        + ",\"event\":\"in-pieces\",\"data\":{\"text\":\"" + TEXT + "\"}}");
            }
        }

        private static void sendInThreeFragments(RemoteEndpoint.Basic remote, String text) throws IOException {
            int first = cut(text, text.length() / 3);
            int second = cut(text, 2 * text.length() / 3);
            remote.sendText(text.substring(0, first), false);
            remote.sendText(text.substring(first, second), false);
            remote.sendText(text.substring(second), true);
        }

        /** A cut that does not split a surrogate pair: each fragment must be valid UTF-8 by itself. */
        private static int cut(String text, int at) {
            return Character.isLowSurrogate(text.charAt(at)) ? at + 1 : at;
        }
    }
}
