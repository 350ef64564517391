package dev.streamrpc.bench;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.StringReader;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark's floor: the endpoint a user would write for the same protocol without a
 * framework. A Jakarta {@code @ServerEndpoint} on bare Jetty 12 (no CDI, no validation, no
 * interceptors, no outbox), requests parsed and replies built with Jakarta JSON Processing
 * (Parsson, the parser under StreamRPC's JSON-B too). It speaks the part of docs/PROTOCOL.md
 * the scenarios use: {@code echo}, {@code subscribe} to a whole channel, {@code publish}
 * (the message text is built once and sent to every subscriber with Jakarta's
 * {@code getAsyncRemote().sendText}); an unknown method gets the protocol's error.
 *
 * <pre>java -cp TEST_CLASSPATH dev.streamrpc.bench.FloorServer PORT</pre>
 */
public final class FloorServer {

    /** Idle connections live as long as StreamRPC's default ({@code stream.idle-timeout}), not Jetty's 30 s. */
    private static final long IDLE_TIMEOUT_MILLIS = 300_000;

    private FloorServer() {
    }

    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/");
        server.setHandler(context);
        JakartaWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setDefaultMaxSessionIdleTimeout(IDLE_TIMEOUT_MILLIS);
            container.addEndpoint(FloorEndpoint.class);
        });
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("Floor ready at ws://localhost:" + connector.getLocalPort() + "/stream");
        server.join();
    }

    /** One connection of the floor. */
    @ServerEndpoint("/stream")
    public static class FloorEndpoint {

        /** Looked up once: {@code Json.createReader} would search for the provider on every call. */
        private static final JsonProvider JSON = JsonProvider.provider();
        private static final Map<String, Set<Session>> CHANNELS = new ConcurrentHashMap<>();

        private Session session;
        /** This connection's channels; Jakarta delivers one connection's messages and its close one at a time. */
        private final Set<String> channels = new LinkedHashSet<>();

        @OnOpen
        public void open(Session session) {
            this.session = session;
        }

        @OnMessage
        public void message(String text) {
            JsonObject request = JSON.createReader(new StringReader(text)).readObject();
            String method = request.getString("method");
            JsonObject payload = request.getJsonObject("payload");
            JsonObjectBuilder reply = JSON.createObjectBuilder().add("id", request.get("id")).add("method", method);
            switch (method) {
                case "echo" -> reply.add("response", payload);
                case "subscribe" -> reply.add("response", subscribe(payload.getString("channel")));
                case "publish" -> reply.add("response", publish(payload.getString("channel"), payload.get("data")));
                default -> reply.add("error", JSON.createObjectBuilder().add("message", "Invalid RPC parameters")
                        .add("errors", JSON.createObjectBuilder().add("method", method + " method not available")));
            }
            session.getAsyncRemote().sendText(reply.build().toString());
        }

        private JsonObject subscribe(String channel) {
            CHANNELS.computeIfAbsent(channel, c -> ConcurrentHashMap.newKeySet()).add(session);
            channels.add(channel);
            JsonObjectBuilder subscribed = JSON.createObjectBuilder();
            channels.forEach(name -> subscribed.add(name, JSON.createArrayBuilder().add("*")));
            return JSON.createObjectBuilder().add("subscribed", subscribed).build();
        }

        private JsonObject publish(String channel, JsonValue data) {
            String message = JSON.createObjectBuilder().add("channel", channel).add("event", "").add("data", data).build().toString();
            for (Session subscriber : CHANNELS.getOrDefault(channel, Set.of())) {
                if (subscriber.isOpen()) {
                    subscriber.getAsyncRemote().sendText(message);
                }
            }
            return JSON.createObjectBuilder().add("channel", channel).addNull("event").add("data", data).build();
        }

        @OnClose
        public void close() {
            for (String channel : channels) {
                Set<Session> subscribers = CHANNELS.get(channel);
                if (subscribers != null) {
                    subscribers.remove(session);
                }
            }
        }
    }
}
