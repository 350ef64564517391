package dev.streamrpc.transport;

import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.pubsub.Subscriber;
import dev.streamrpc.rpc.RpcSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.Principal;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open WebSocket: the RPC session of its requests, the hub's subscriber, and its outbox.
 */
final class WebSocketConnection implements RpcSession, Subscriber {

    /** Status 1008 and its reason, for a connection that cannot keep up. */
    static final int POLICY_VIOLATION = 1008;
    static final String SLOW_CONSUMER = "slow consumer";
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketConnection.class);

    private final String id;
    private final Session session;
    private final Executor closer;
    private final Outbox outbox;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final long openedAt = System.nanoTime();
    private final TokenBucket requests;
    private final Optional<Principal> principal;
    private volatile ConnectionChannels channels;

    WebSocketConnection(String id, Session session, long maxQueuedBytes, Executor closer, TransportStats stats,
                        TokenBucket requests) {
        this.id = id;
        this.requests = requests;
        this.session = session;
        this.closer = closer;
        this.principal = admittedPrincipal(session);
        this.outbox = new Outbox(Senders.of(session), maxQueuedBytes, dropped -> {
                    stats.slowConsumer(dropped);
                    close(POLICY_VIOLATION, SLOW_CONSUMER);
                });
    }

    /** Milliseconds since the connection opened. */
    long ageMillis() {
        return (System.nanoTime() - openedAt) / 1_000_000;
    }

    void attach(ConnectionChannels channels) {
        this.channels = channels;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String connectionId() {
        return id;
    }

    @Override
    public Optional<Principal> principal() {
        return principal;
    }

    /** The authenticator's principal, or else the one the servlet container authenticated; fixed for the session. */
    private static Optional<Principal> admittedPrincipal(Session session) {
        Object admitted = session.getUserProperties().get(Handshakes.PRINCIPAL);
        return admitted instanceof Principal found ? Optional.of(found) : Optional.ofNullable(session.getUserPrincipal());
    }

    @Override
    public ConnectionChannels channels() {
        return channels;
    }

    @Override
    public void send(String reply) {
        outbox.offer(EncodedMessage.of(reply));
    }

    @Override
    public boolean admit() {
        return requests.tryTake(System.nanoTime());
    }

    @Override
    public ReplySlot reserve() {
        return outbox.reserve();
    }

    @Override
    public void deliver(EncodedMessage message) {
        outbox.offer(message);
    }

    /**
     * Closes once, off the caller's thread: a container's close may wait for the close frame
     * to be written, and the caller may be a publisher fanning out to many connections.
     */
    @Override
    public void close(int code, String reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        outbox.close();
        Runnable closing = () -> {
            try {
                session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), reason));
            } catch (IOException | RuntimeException e) {
                LOG.debug("Closing connection {} failed", id, e);
            }
        };
        try {
            closer.execute(closing);
        } catch (RejectedExecutionException e) {
            closing.run(); // a full pool must not leave a connection open that should close
        }
    }

    /** The session has closed: nothing more is sent. */
    void closed() {
        closing.set(true);
        outbox.close();
    }
}
