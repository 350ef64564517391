package dev.streamrpc.transport;

import dev.streamrpc.config.DaemonThreads;
import dev.streamrpc.config.Settings;
import dev.streamrpc.pubsub.SocketsManager;
import dev.streamrpc.rpc.Dispatcher;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Principal;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection shares: the settings, the dispatcher and the hub, the transport's
 * counters, and small thread pools: portable closes and portable pings, which may block on some
 * containers, and the timer that runs heartbeats and drops peers that never complete a close. It opens
 * connections for {@link StreamEndpoint}, whose instances the container creates per
 * connection and which get this bean through {@link StreamConfigurator}.
 */
@ApplicationScoped
public class Transport {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";
    private static final int CLOSER_THREADS = 2;
    private static final int PINGER_THREADS = 2;

    @Inject
    Settings settings;

    @Inject
    SocketsManager sockets;

    @Inject
    Dispatcher dispatcher;

    private final AtomicLong ids = new AtomicLong();
    private final TransportStats stats = new TransportStats();
    private ExecutorService closer;
    private ExecutorService pinger;
    private ScheduledThreadPoolExecutor timer;

    @PostConstruct
    void start() {
        closer = Executors.newFixedThreadPool(CLOSER_THREADS, new DaemonThreads("stream-closer"));
        // Threads start with their first task: on Jetty's core send path the pinger never has one.
        pinger = Executors.newFixedThreadPool(PINGER_THREADS, new DaemonThreads("stream-pinger"));
        timer = new ScheduledThreadPoolExecutor(1, new DaemonThreads("stream-timer"));
        // A closed connection's heartbeat leaves the queue at once, not at its next due time.
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Opens a connection for a session the container has just opened. */
    Connection open(Session session) {
        // The container closes a larger text message with 1009 before it reaches us.
        session.setMaxTextMessageBufferSize(settings.maxMessageBytes());
        // Any frame, pings and pongs included, counts as activity.
        session.setMaxIdleTimeout(settings.idleTimeout().toMillis());
        Connection connection = new Connection(Long.toString(ids.incrementAndGet(), 36), session, admittedPrincipal(session), this);
        // Per connection, so at debug level: a reconnect storm would otherwise write a line per client.
        LOG.debug("Connection {} opened from {}", connection.id(), remoteAddress(session));
        return connection;
    }

    /** The authenticator's principal, or else the one the servlet container authenticated; fixed for the session. */
    private static Optional<Principal> admittedPrincipal(Session session) {
        Object admitted = session.getUserProperties().get(Handshakes.PRINCIPAL);
        return admitted instanceof Principal found ? Optional.of(found) : Optional.ofNullable(session.getUserPrincipal());
    }

    /** Jetty records the peer's address under this Jakarta name; Tomcat 10.1 does not expose it. */
    private static Object remoteAddress(Session session) {
        return session.getUserProperties().getOrDefault(REMOTE_ADDRESS, "unknown address");
    }

    Outbox.Sender sender(Session session) {
        return Senders.of(session, settings.sendPath().equals("jakarta"), closer, pinger);
    }

    TokenBucket newTokenBucket() {
        return new TokenBucket(settings.rateLimit(), settings.rateBurst(), System.nanoTime());
    }

    ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return timer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a connection's heartbeat every ping interval, from one interval on; null when pings are off. */
    ScheduledFuture<?> everyPingInterval(Runnable beat) {
        long interval = settings.pingInterval().toMillis();
        return interval == 0 ? null : timer.scheduleWithFixedDelay(beat, interval, interval, TimeUnit.MILLISECONDS);
    }

    Settings settings() {
        return settings;
    }

    SocketsManager sockets() {
        return sockets;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    public TransportStats stats() {
        return stats;
    }

    /** After the hub has closed every connection (it does so before any bean is destroyed). */
    @PreDestroy
    void stop() {
        closer.shutdown();
        pinger.shutdownNow();
        timer.shutdownNow();
    }
}
