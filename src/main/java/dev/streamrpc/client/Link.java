package dev.streamrpc.client;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection on the JDK's client: joins the parts of each text message, reads
 * only as far as the client has asked ({@link #credit()}), sends one text at a time from a
 * queue (the JDK refuses a second send while one is pending), and reports its end exactly once,
 * also when the client aborts it (the JDK then calls no listener).
 *
 * <p>The JDK calls the listener methods one at a time for a connection, so the partial
 * message needs no lock.
 */
final class Link implements WebSocket.Listener {

    /** What a link reports to its client. Both are called on the JDK's threads and must not block. */
    interface Events {

        /** A whole text message; the client calls {@link #credit()} once it has dealt with it. */
        void text(Link link, String text);

        /** The link is over (closed by either side, failed, or aborted); called once. */
        void ended(Link link, String why);
    }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final Events events;
    private final int maxMessageLength;
    private final StringBuilder partial = new StringBuilder();
    private final Queue<String> outbound = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sending = new AtomicBoolean();
    /** Receive calls the JDK may still make before the client asks for more. */
    private final AtomicLong demand = new AtomicLong();
    /** Completes, once, with why the link ended. */
    private final CompletableFuture<String> over = new CompletableFuture<>();
    private volatile WebSocket socket;
    private volatile long openedNanos;
    private volatile long lastInboundNanos;
    private volatile long lastPingNanos;

    private Link(Events events, int maxMessageLength) {
        this.events = events;
        this.maxMessageLength = maxMessageLength;
        lastInboundNanos = System.nanoTime();
        lastPingNanos = lastInboundNanos;
    }

    /** Opens a connection; completes once the handshake is done. Nothing is read before {@link #start}. */
    static CompletableFuture<Link> open(HttpClient http, Settings settings, Events events) {
        Link link = new Link(events, settings.maxMessageLength());
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(settings.connectTimeout());
        settings.headers().forEach(builder::header);
        if (!settings.subprotocols().isEmpty()) {
            builder.subprotocols(settings.subprotocols().get(0),
                    settings.subprotocols().subList(1, settings.subprotocols().size()).toArray(String[]::new));
        }
        return builder.buildAsync(settings.uri(), link).thenApply(socket -> link);
    }

    /** Starts reading, with room for {@code window} whole messages not yet dealt with. */
    void start(int window) {
        demand.addAndGet(window);
        socket.request(window);
    }

    /** The client has dealt with one message: read one more. */
    void credit() {
        if (demand.getAndIncrement() <= 0) {
            // Reading again after a stall: the watchdog judges from now, not from the stalled time.
            lastInboundNanos = System.nanoTime();
        }
        socket.request(1);
    }

    /** True when every message read so far still waits for the client, so nothing more is read. */
    boolean stalled() {
        return demand.get() <= 0;
    }

    /** Queues a text message; sent after those queued before it. */
    void send(String text) {
        outbound.add(text);
        pump();
    }

    /**
     * The watchdog's turn: true if the server answered (or sent anything) since the last ping,
     * or cannot be judged because the client is not reading; then it sends the next ping.
     */
    boolean pingIfAlive() {
        boolean alive = stalled() || lastInboundNanos - lastPingNanos >= 0;
        if (alive) {
            lastPingNanos = System.nanoTime();
            // A ping still pending from the last turn fails this one; the next turn judges.
            socket.sendPing(EMPTY);
        }
        return alive;
    }

    /**
     * Sends a close frame and drops the connection once the server has answered it, or after
     * {@code graceMillis} whatever the server does.
     */
    void close(int code, String reason, long graceMillis) {
        socket.sendClose(code, reason);
        over.copy()
                .completeOnTimeout("no answer", graceMillis, TimeUnit.MILLISECONDS)
                .whenComplete((why, error) -> abort("closed by the client"));
    }

    /** How long it has been open (its handshake done). */
    Duration uptime() {
        return Duration.ofNanos(System.nanoTime() - openedNanos);
    }

    /** True once the link has ended. */
    boolean isOver() {
        return over.isDone();
    }

    /** Drops the connection at once and reports its end. */
    void abort(String why) {
        socket.abort();
        end(why);
    }

    private void pump() {
        while (!outbound.isEmpty() && sending.compareAndSet(false, true)) {
            String next = outbound.poll();
            if (next == null) {
                sending.set(false);
                continue;
            }
            CompletableFuture<WebSocket> sent = socket.sendText(next, true);
            if (!sent.isDone()) {
                sent.whenComplete((ignored, error) -> sent(error));
                return;
            }
            // Completed at once: loop rather than recurse through whenComplete.
            sent.whenComplete((ignored, error) -> {
                if (error != null) {
                    abort("send failed: " + error);
                }
            });
            sending.set(false);
        }
    }

    private void sent(Throwable error) {
        sending.set(false);
        if (error != null) {
            abort("send failed: " + error);
        } else {
            pump();
        }
    }

    private void end(String why) {
        if (over.complete(why)) {
            outbound.clear();
            events.ended(this, why);
        }
    }

    private void received() {
        demand.decrementAndGet();
        lastInboundNanos = System.nanoTime();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        // No request here: the client starts reading once this link is installed.
        socket = webSocket;
        openedNanos = System.nanoTime();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        received();
        if (partial.length() + data.length() > maxMessageLength) {
            partial.setLength(0);
            abort("a message longer than " + maxMessageLength + " characters");
            return null;
        }
        if (!last) {
            partial.append(data);
            credit();
            return null;
        }
        String text;
        if (partial.length() == 0) {
            text = data.toString();
        } else {
            text = partial.append(data).toString();
            partial.setLength(0);
        }
        events.text(this, text);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        // The protocol has no binary messages from the server.
        received();
        credit();
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        // The JDK answers with a pong itself.
        received();
        credit();
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        received();
        credit();
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        // Returning null lets the JDK answer the close at once.
        end("closed by the server: " + statusCode + (reason.isEmpty() ? "" : " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end("failed: " + error);
    }
}
