package dev.streamrpc.transport;

import dev.streamrpc.api.ConnectionChannels;
import dev.streamrpc.api.RpcContext;
import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.pubsub.CloseStatus;
import dev.streamrpc.pubsub.Subscriber;
import dev.streamrpc.rpc.Caller;
import jakarta.websocket.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Principal;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One open WebSocket: its id and principal, its rate limit, its outbox, its heartbeat, and its
 * subscriptions. The dispatcher sees it as a {@link Caller}, the hub as a {@link Subscriber};
 * RPC methods see only its {@link RpcContext}, which cannot send or close.
 */
final class Connection implements Subscriber, Caller, Heartbeat.Pulse {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** What an RPC method sees of the connection. */
    private record Context(String connectionId, Optional<Principal> principal, ConnectionChannels channels)
            implements RpcContext {
    }

    private final String id;
    private final Transport transport;
    private final Outbox outbox;
    private final Outbox.Sender sender;
    private final TokenBucket requests;
    private final Optional<Principal> principal;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final long openedAt = System.nanoTime();
    private final Context context;
    private volatile ScheduledFuture<?> abortLater;
    private final Heartbeat heartbeat;
    private final ScheduledFuture<?> beating;   // null when pings are off
    // Set and read only by the thread dispatching one of this connection's frames, which cleans up after it.
    private Thread dispatching;
    private Outbox.Slot reserved;

    /** Opens the connection and registers it with the hub, last, once every field is set. */
    Connection(String id, Session session, Optional<Principal> principal, Transport transport) {
        this.id = id;
        this.transport = transport;
        this.principal = principal;
        this.requests = transport.newTokenBucket();
        this.sender = transport.sender(session);
        this.outbox = new Outbox(sender, transport.settings().maxQueuedBytes(), this::closing);
        this.heartbeat = new Heartbeat(transport.settings().pingInterval().toNanos(), System::nanoTime, this);
        this.beating = transport.everyPingInterval(heartbeat::beat);
        this.context = new Context(id, principal, transport.sockets().register(this));
    }

    void onText(String frame) {
        heartbeat.heardMessage();
        dispatching = Thread.currentThread();
        outbox.readsHere();
        try {
            transport.dispatcher().dispatch(this, frame);
        } finally {
            dispatching = null;
            reserved = null;
        }
    }

    void onPong() {
        heartbeat.heardPong();
    }

    @Override
    public boolean ping(Runnable written) {
        return outbox.ping(written);
    }

    /** The peer answered no ping: it is gone, so nothing queued is worth sending. */
    @Override
    public void timedOut() {
        transport.stats().pingTimeout();
        close(CloseStatus.PING_TIMEOUT);
    }

    /** The container closed the connection: nothing more is sent, and its subscriptions go at once. */
    void onClosed(int code, String reason) {
        outbox.terminate();
        stopBeating();
        ScheduledFuture<?> pending = abortLater;
        if (pending != null) {
            pending.cancel(false);
        }
        transport.sockets().unregister(this);
        closed.complete(null);
        // Closes the server chose for a problem (policy 1008, too big 1009, server error 1011) are worth
        // a line; the everyday ones (a client leaving, a network dropping) only at debug level.
        if (code == CloseStatus.SLOW_CONSUMER.code() || code == 1009 || code == CloseStatus.SERVER_ERROR.code()) {
            LOG.info("Connection {} closed with {} {} after {} ms", id, code, reason, millisOpen());
        } else {
            LOG.debug("Connection {} closed with {} {} after {} ms", id, code, reason, millisOpen());
        }
    }

    private void stopBeating() {
        if (beating != null) {
            beating.cancel(false);
        }
    }

    private long millisOpen() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<Principal> principal() {
        return principal;
    }

    @Override
    public RpcContext context() {
        return context;
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
        Outbox.Slot slot = outbox.reserve();
        reserved = slot;
        return slot;
    }

    /**
     * The reply of the request this thread is dispatching, if it reserved one, moves behind what
     * is queued when the returned hook runs. It is handed out once per request: a method that
     * subscribes more than once keeps its reply ahead of what its later subscriptions deliver.
     * Any other thread gets a hook that does nothing.
     */
    @Override
    public Runnable replyHere() {
        Outbox.Slot slot = dispatching == Thread.currentThread() ? reserved : null;
        if (slot == null) {
            return Subscriber.NO_REPLY;
        }
        reserved = null;
        return () -> outbox.moveBehindQueued(slot);
    }

    @Override
    public void deliver(List<EncodedMessage> messages) {
        outbox.offer(messages);
    }

    /**
     * Closes once: after what is queued if the status flushes, else at once; either way the
     * close frame waits for the send in flight. Never blocks.
     */
    @Override
    public CompletionStage<Void> close(CloseStatus status) {
        outbox.close(status);
        return closed;
    }

    /**
     * The outbox started closing (by {@link #close}, an overflow, or a failed send); runs once.
     * The connection's subscriptions go now: nothing delivered from here on would be sent.
     */
    private void closing(CloseStatus status, int dropped) {
        if (status == CloseStatus.SLOW_CONSUMER) {
            transport.stats().slowConsumer(dropped);
        }
        stopBeating();
        transport.sockets().unregister(this);
        // A peer that never reads would hold its close frame back forever: drop it after the grace period.
        abortLater = transport.schedule(() -> {
            if (!closed.isDone()) {
                LOG.info("Connection {} did not close within the grace period; dropping it", id);
                sender.abort();
            }
        }, transport.settings().shutdownGrace());
        if (closed.isDone()) {
            abortLater.cancel(false);
        }
    }
}
