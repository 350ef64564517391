package dev.streamrpc.transport;

import dev.streamrpc.pubsub.SocketsManager;
import dev.streamrpc.rpc.Dispatcher;
import dev.streamrpc.rpc.RpcWorkers;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the endpoint needs, in one application-scoped bean: it opens and closes connections
 * and hands their frames to the dispatcher. Endpoint instances are per connection and are
 * created by the container, so they get this bean from {@link StreamConfigurator}.
 */
@ApplicationScoped
public class Connections {

    private static final Logger LOG = LoggerFactory.getLogger(Connections.class);
    private static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";

    @Inject
    SocketsManager sockets;

    @Inject
    Dispatcher dispatcher;

    @Inject
    RpcWorkers workers;

    @Inject
    @ConfigProperty(name = "stream.max-message-bytes", defaultValue = "65536")
    int maxMessageBytes;

    @Inject
    @ConfigProperty(name = "stream.max-queued-bytes", defaultValue = "1048576")
    long maxQueuedBytes;

    @Inject
    @ConfigProperty(name = "stream.idle-timeout", defaultValue = "PT5M")
    String idleTimeout;

    @Inject
    @ConfigProperty(name = "stream.rate-limit", defaultValue = "1000")
    double rateLimit;

    @Inject
    @ConfigProperty(name = "stream.rate-burst", defaultValue = "2000")
    double rateBurst;

    private final AtomicLong ids = new AtomicLong();
    private final TransportStats stats = new TransportStats();
    private long idleTimeoutMillis;

    @PostConstruct
    void init() {
        idleTimeoutMillis = Duration.parse(idleTimeout).toMillis();
    }

    WebSocketConnection open(Session session) {
        // The container closes a larger text message with 1009 before it reaches us.
        session.setMaxTextMessageBufferSize(maxMessageBytes);
        // Any frame, pings and pongs included, counts as activity.
        session.setMaxIdleTimeout(idleTimeoutMillis);
        WebSocketConnection connection = new WebSocketConnection(Long.toString(ids.incrementAndGet(), 36),
                session, maxQueuedBytes, workers, stats, new TokenBucket(rateLimit, rateBurst, System.nanoTime()));
        connection.attach(sockets.register(connection));
        LOG.info("Connection {} opened from {}", connection.id(), remoteAddress(session));
        return connection;
    }

    /** Jetty records the peer's address under this Jakarta name; Tomcat 10.1 does not expose it. */
    private static Object remoteAddress(Session session) {
        return session.getUserProperties().getOrDefault(REMOTE_ADDRESS, "unknown address");
    }

    public TransportStats stats() {
        return stats;
    }

    void onText(WebSocketConnection connection, String frame) {
        dispatcher.dispatch(connection, frame);
    }

    void closed(WebSocketConnection connection, CloseReason reason) {
        connection.closed();
        sockets.unregister(connection);
        LOG.info("Connection {} closed with {} {} after {} ms", connection.id(), reason.getCloseCode().getCode(),
                reason.getReasonPhrase(), connection.ageMillis());
    }
}
