package dev.streamrpc.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real WebSocket client for tests, on the JDK's {@code java.net.http.WebSocket}. It keeps
 * every text message in arrival order and the close status. With {@code paused}, it stops
 * reading, as a slow consumer would.
 */
public final class WsClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** A close frame received from the server. */
    public record Close(int code, String reason) {
    }

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final List<String> held = new ArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicInteger ids = new AtomicInteger();
    private final WebSocket socket;
    private volatile boolean paused;

    private WsClient(URI uri, boolean paused, List<String> subprotocols, String... headers) {
        this.paused = paused;
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        this.socket = builder.buildAsync(uri, new Listener()).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public static WsClient connect(URI uri) {
        return new WsClient(uri, false, List.of());
    }

    /** Connects offering these subprotocols, in order. */
    public static WsClient connectOffering(URI uri, List<String> subprotocols) {
        return new WsClient(uri, false, subprotocols);
    }

    /** The subprotocol the server chose ({@code ""} for none). */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    /**
     * Tries a handshake with extra headers ({@code name, value, ...}) and subprotocols; returns
     * 101 when it upgraded (and closes at once), else the HTTP status the server answered.
     */
    public static int handshakeStatus(URI uri, List<String> subprotocols, String... headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        try {
            builder.buildAsync(uri, new WebSocket.Listener() { }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).abort();
            return 101;
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            throw new AssertionError("handshake failed without an HTTP status", e);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    /** Connects with extra headers ({@code name, value, ...}). */
    public static WsClient connect(URI uri, String... headers) {
        return new WsClient(uri, false, List.of(), headers);
    }

    /** Sends a WebSocket ping. */
    public void ping() {
        socket.sendPing(ByteBuffer.allocate(0)).join();
    }

    /** A client that reads nothing until {@link #resume()}. */
    public static WsClient connectPaused(URI uri) {
        return new WsClient(uri, true, List.of());
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /**
     * Sends a binary message. The server refuses one at its first frame, and may close while a
     * large one is still being written ("closed output"): {@link #awaitClose()} tells how it ended.
     */
    public void sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).exceptionally(closedMeanwhile -> null).join();
    }

    /** Sends the first fragment of a binary message, and not the rest. */
    public void sendBinaryFragment(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), false).join();
    }

    /** Sends a request with a fresh string id and returns that id. */
    public String request(String method, String payloadJson) {
        String id = "r" + ids.incrementAndGet();
        send("{\"id\":\"" + id + "\",\"method\":\"" + method + "\",\"payload\":" + payloadJson + "}");
        return id;
    }

    /** Sends a request and waits for the reply with its id; other messages are kept for {@link #next()}. */
    public JsonObject call(String method, String payloadJson) {
        return replyTo(request(method, payloadJson));
    }

    /**
     * Sends one request per payload at once, then waits for every reply; returns the replies in
     * request order. However slowly this client is served, the server never holds more than
     * these replies for it.
     */
    public List<JsonObject> callAll(String method, List<String> payloadsJson) {
        List<String> ids = payloadsJson.stream().map(payload -> request(method, payload)).toList();
        return ids.stream().map(this::replyTo).toList();
    }

    public JsonObject replyTo(String id) {
        synchronized (held) {
            for (Iterator<String> it = held.iterator(); it.hasNext(); ) {
                JsonObject message = parse(it.next());
                if (id.equals(stringId(message))) {
                    it.remove();
                    return message;
                }
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            String text = poll(deadline);
            JsonObject message = parse(text);
            if (id.equals(stringId(message))) {
                return message;
            }
            synchronized (held) {
                held.add(text);
            }
        }
    }

    /** The next message not yet taken, as text. */
    public String nextText() {
        synchronized (held) {
            if (!held.isEmpty()) {
                return held.remove(0);
            }
        }
        return poll(System.nanoTime() + TIMEOUT.toNanos());
    }

    public JsonObject next() {
        return parse(nextText());
    }

    /** The next message if one comes within {@code wait}, else null. */
    public String nextTextWithin(Duration wait) {
        synchronized (held) {
            if (!held.isEmpty()) {
                return held.remove(0);
            }
        }
        try {
            return messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String poll(long deadline) {
        try {
            String text = messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (text == null) {
                throw new AssertionError("no message within " + TIMEOUT + (closed.isDone() ? "; closed " + closed.join() : ""));
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Close awaitClose() {
        return awaitClose(TIMEOUT);
    }

    public Close awaitClose(Duration within) {
        return closed.copy().orTimeout(within.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public void resume() {
        paused = false;
        socket.request(Long.MAX_VALUE);
    }

    /** Drops the TCP connection without a close handshake, as a lost network would. */
    public void drop() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    public static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static String stringId(JsonObject message) {
        return message.containsKey("id") && message.get("id").getValueType() == jakarta.json.JsonValue.ValueType.STRING
                ? message.getString("id") : null;
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            if (!paused) {
                webSocket.request(Long.MAX_VALUE);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(-1, String.valueOf(error)));
        }
    }
}
