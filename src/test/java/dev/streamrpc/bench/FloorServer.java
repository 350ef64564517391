package dev.streamrpc.bench;

import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark's floor: a bare Jetty 12 Jakarta WebSocket server with no CDI and no JSON-B,
 * speaking just enough of the protocol for the scenarios: {@code echo}, {@code subscribe}
 * (whole channel), {@code publish} (one text built per publication, handed to every
 * subscriber), {@code server_info}. Requests are picked apart with string searches, which
 * only works for the generator's own well-formed frames. It measures what Jetty itself costs.
 *
 * <pre>java -cp TEST_CLASSPATH dev.streamrpc.bench.FloorServer PORT</pre>
 */
public final class FloorServer {

    static final Map<String, Set<Session>> CHANNELS = new ConcurrentHashMap<>();

    private FloorServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        server.setHandler(context);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) ->
                container.addEndpoint(FloorEndpoint.class));
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("Floor ready at ws://localhost:" + ((NetworkConnector) server.getConnectors()[0]).getLocalPort() + "/stream");
        server.join();
    }

    /** One connection of the floor. */
    @ServerEndpoint("/stream")
    public static class FloorEndpoint {

        private Session session;

        @OnOpen
        public void open(Session session) {
            this.session = session;
            session.setMaxTextMessageBufferSize(65536);
        }

        @OnMessage
        public void text(String frame) {
            String id = field(frame, "\"id\":");
            String method = stringField(frame, "\"method\":\"");
            String reply;
            switch (method) {
                case "subscribe" -> {
                    CHANNELS.computeIfAbsent(stringField(frame, "\"channel\":\""), c -> ConcurrentHashMap.newKeySet()).add(session);
                    reply = "{\"id\":" + id + ",\"method\":\"subscribe\",\"response\":{\"subscribed\":{}}}";
                }
                case "publish" -> {
                    String channel = stringField(frame, "\"channel\":\"");
                    int data = frame.indexOf("\"data\":") + 7;
                    String body = frame.substring(data, frame.length() - 2);
                    String message = "{\"channel\":\"" + channel + "\",\"event\":\"\",\"data\":" + body + "}";
                    for (Session subscriber : CHANNELS.getOrDefault(channel, Set.of())) {
                        if (subscriber.isOpen()) {
                            subscriber.getAsyncRemote().sendText(message);
                        }
                    }
                    reply = "{\"id\":" + id + ",\"method\":\"publish\",\"response\":{}}";
                }
                case "server_info" -> reply = "{\"id\":" + id + ",\"method\":\"server_info\",\"response\":{}}";
                default -> reply = "{\"id\":" + id + ",\"method\":\"" + method + "\",\"response\":"
                        + frame.substring(frame.indexOf("\"payload\":") + 10, frame.length() - 1) + "}";
            }
            session.getAsyncRemote().sendText(reply);
        }

        @OnClose
        public void close() {
            CHANNELS.values().forEach(sessions -> sessions.remove(session));
        }

        private static String field(String frame, String key) {
            int start = frame.indexOf(key) + key.length();
            int end = start;
            while (end < frame.length() && frame.charAt(end) != ',' && frame.charAt(end) != '}') {
                end++;
            }
            return frame.substring(start, end);
        }

        private static String stringField(String frame, String key) {
            int start = frame.indexOf(key) + key.length();
            return frame.substring(start, frame.indexOf('"', start));
        }
    }
}
