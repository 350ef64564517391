package dev.streamrpc.client;

import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A client of a StreamRPC server on the JDK's {@code java.net.http.WebSocket}: calls, channel
 * subscriptions and publications over one connection that it keeps open.
 *
 * <pre>{@code
 * StreamClient client = StreamClient.connect(URI.create("ws://localhost:8080/stream"));
 * JsonValue reply = client.call("echo", Map.of("a", 1)).join();
 * Subscription sub = client.subscribe("prices", "trade.*", message -> ...).join();
 * client.publish("prices", "trade.btc", Map.of("price", 1)).join();
 * sub.unsubscribe().join();
 * client.close();
 * }</pre>
 *
 * <p><b>Calls.</b> A call's future completes with the server's response, exceptionally with
 * {@link RpcError} when the server answers with an error, with
 * {@link java.util.concurrent.TimeoutException} when no reply comes within the timeout, and
 * with {@link ConnectionLost} when the connection drops while the call is out (the server may
 * or may not have run it). Calls made while reconnecting wait in a bounded queue
 * ({@link Builder#queueLimit}) and go out once connected. A call whose method or payload holds
 * a lone surrogate (a string cut inside a character), which a WebSocket text message cannot
 * carry, completes at once with {@link IllegalArgumentException} and is not sent.
 *
 * <p><b>Reconnection.</b> When the connection drops, the client reconnects with exponential
 * backoff and full jitter, subscribes every active subscription again and, where the server
 * reports positions (protocol version 2), resumes each channel after the last message its
 * handlers received, so that they see every message once and in order. When that is not
 * possible, the subscription's lost listeners are told ({@link Subscription#onLost}).
 *
 * <p><b>Threads.</b> Application code does not run on the WebSocket's threads. Handlers, lost
 * and state listeners run one at a time, in the order their events arrived, on the client's
 * executor (only when an executor of yours refuses a task do they run on the thread that
 * queued them, often the WebSocket's, rather than be lost); call futures complete on that executor too, outside that order, so a handler may
 * wait for a call, within two limits. The executor needs a thread to spare for the completion
 * (the client's own pool always has one; a single-thread executor of yours does not, and the
 * wait never ends). And the connection reads in order: a reply that comes behind more than
 * {@link Builder#inboundLimit} unhandled messages is read only once the handler returns, so
 * the call times out. A handler of a busy channel should chain on the future
 * ({@code thenAccept}) rather than wait for it. The client reads only as many messages ahead
 * of its handlers as {@link Builder#inboundLimit} allows: a slow handler slows the connection
 * down rather than filling memory (a server that cannot send closes the connection as a slow
 * consumer; the client then reconnects and, with version 2, recovers). All methods are
 * thread-safe.
 */
public final class StreamClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(StreamClient.class.getName());
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final Wire wire;
    private final boolean ownJsonb;
    private final ExecutorService ownExecutor;
    private final Executor executor;
    private final HandlerQueue callbacks;
    private final ScheduledThreadPoolExecutor timer;
    private final Calls calls;
    private final Subscriptions subscriptions;
    private final Connection connection;

    private StreamClient(Settings settings) {
        int number = CLIENTS.incrementAndGet();
        this.ownJsonb = settings.jsonb() == null;
        this.wire = new Wire(ownJsonb ? JsonbBuilder.create() : settings.jsonb());
        this.ownExecutor = settings.executor() == null ? Executors.newCachedThreadPool(threads("streamrpc-client-" + number)) : null;
        this.executor = ownExecutor != null ? ownExecutor : settings.executor();
        this.callbacks = new HandlerQueue(executor);
        this.timer = new ScheduledThreadPoolExecutor(1, threads("streamrpc-client-" + number + "-timer"));
        timer.setRemoveOnCancelPolicy(true);    // a cancelled call timeout leaves nothing behind
        this.calls = new Calls(wire, timer, settings.timeout(), call -> connection().expired(call));
        this.subscriptions = new Subscriptions(callbacks, wire);
        this.connection = new Connection(settings, calls, subscriptions, callbacks, timer);
    }

    /**
     * Connects with the default settings; blocks until the connection is open.
     *
     * @param uri the server's WebSocket endpoint, such as {@code ws://localhost:8080/stream}
     * @throws ConnectionLost when the connection cannot be opened
     */
    public static StreamClient connect(URI uri) {
        return builder(uri).connect();
    }

    /** Settings for a client of {@code uri}; {@link Builder#connect()} opens it. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    /**
     * Calls an RPC method.
     *
     * @param method  the method's name, such as {@code echo}
     * @param payload the payload: a {@code Map}, a record or bean, a {@code JsonObject}, or null for {@code {}}
     * @return the response, or an exceptional completion as described in the class comment
     */
    public CompletableFuture<JsonValue> call(String method, Object payload) {
        return call(method, payload, Function.identity());
    }

    /**
     * Calls an RPC method and binds its response to {@code type} with JSON-B.
     *
     * @param method  the method's name
     * @param payload the payload, as for {@link #call(String, Object)}
     * @param type    the response's type, such as a record
     * @return the bound response; a response that does not fit the type completes it with a
     *         {@link jakarta.json.bind.JsonbException}
     */
    public <T> CompletableFuture<T> call(String method, Object payload, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return call(method, payload, response -> wire.bind(response, type));
    }

    /**
     * Subscribes to a channel's events whose name matches a glob pattern ({@code *}, {@code ?},
     * {@code [a-z]}, {@code [^a]}, {@code \x}, as on the server). Completes once the server has
     * accepted it; the handler then receives every matching message, on the client's executor.
     *
     * @param channel      the channel
     * @param eventPattern the event pattern; {@code *} for every event
     * @param handler      receives the messages, one at a time, in order
     * @return the subscription, or an {@link RpcError} when the server refuses (for example
     *         {@code {"channel": "Invalid channel"}}), or an {@link IllegalArgumentException}
     *         for a malformed pattern
     */
    public CompletableFuture<Subscription> subscribe(String channel, String eventPattern, Consumer<Message> handler) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(handler, "handler");
        Glob glob;
        try {
            glob = Glob.compile(eventPattern);
        } catch (IllegalArgumentException malformed) {
            return CompletableFuture.failedFuture(malformed);
        }
        Subscription subscription = new Subscription(this, channel, eventPattern, glob, handler);
        CompletableFuture<Subscription> result = new CompletableFuture<>();
        Calls.Outcome completion = completing(result, response -> subscription);
        subscriptions.joining(subscription);
        submit("subscribe", Subscriptions.subscribePayload(channel, eventPattern), new Calls.Outcome() {
            @Override
            public void succeeded(JsonValue response) {
                // On the connection's thread, before any message that follows this reply.
                subscriptions.added(subscription, response);
                completion.succeeded(response);
            }

            @Override
            public void failed(Throwable error) {
                subscriptions.abandoned(subscription);
                completion.failed(error);
            }
        });
        return result;
    }

    /** Subscribes to every event of a channel: {@link #subscribe(String, String, Consumer)} with {@code *}. */
    public CompletableFuture<Subscription> subscribe(String channel, Consumer<Message> handler) {
        return subscribe(channel, "*", handler);
    }

    /**
     * Publishes to a channel.
     *
     * @param channel the channel
     * @param event   the event name, or null for none
     * @param data    the data: anything JSON-B can write, or null for JSON {@code null}
     * @return the server's response ({@code {"channel", "event", "data"}}) once it has accepted the message
     */
    public CompletableFuture<JsonValue> publish(String channel, String event, Object data) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("channel", Objects.requireNonNull(channel, "channel"));
        if (event != null) {
            payload.put("event", event);
        }
        payload.put("data", data == null ? JsonValue.NULL : data);
        return call("publish", payload);
    }

    /**
     * Adds a listener for the connection's state: {@link State#OPEN} after each (re)connection,
     * {@link State#RECONNECTING} when it drops, {@link State#CLOSED} at the end. Listeners run on
     * the client's executor, in order with the messages.
     */
    public void onStateChange(Consumer<State> listener) {
        connection.onStateChange(Objects.requireNonNull(listener, "listener"));
    }

    /** The connection's state now. */
    public State state() {
        return connection.state();
    }

    /**
     * Closes the connection for good: no reconnection; calls not yet answered complete with
     * {@link ConnectionLost}. Handlers already queued still run, then state listeners hear
     * {@link State#CLOSED}, the last thing handlers and listeners are told: messages read after
     * this call (the server may still be sending until it answers the close) are dropped.
     * Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!connection.close()) {
            return;
        }
        calls.failAll(new ConnectionLost("The client is closed"));
        timer.shutdown();
        if (ownExecutor != null) {
            // Shut down only when the handler queue reaches this, after the handlers already queued and
            // the CLOSED state: the queue hands its thread back every 64 tasks and resubmits itself, and
            // a shut-down executor would refuse that, dropping the rest. The failed calls above are
            // already on the executor, and what is on it still runs after the shutdown.
            callbacks.execute(ownExecutor::shutdown);
        }
        if (ownJsonb) {
            try {
                // Yasson's close releases component instances only; messages still queued can bind data.
                wire.jsonb().close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "Closing JSON-B failed", e);
            }
        }
    }

    /** Messages and callbacks queued for the executor and not yet finished; for tests. */
    int queuedCallbacks() {
        return callbacks.size();
    }

    CompletableFuture<Void> unsubscribe(Subscription subscription) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Calls.Outcome completion = completing(result, response -> null);
        boolean sent = connection.unsubscribe(subscription, new Calls.Outcome() {
            @Override
            public void succeeded(JsonValue response) {
                completion.succeeded(response);
            }

            @Override
            public void failed(Throwable error) {
                // A dropped connection took the subscription with it.
                if (error instanceof ConnectionLost) {
                    completion.succeeded(JsonValue.NULL);
                } else {
                    completion.failed(error);
                }
            }
        });
        return sent ? result : CompletableFuture.completedFuture(null);
    }

    private <T> CompletableFuture<T> call(String method, Object payload, Function<JsonValue, T> convert) {
        Objects.requireNonNull(method, "method");
        CompletableFuture<T> result = new CompletableFuture<>();
        submit(method, payload, completing(result, convert));
        return result;
    }

    /** An outcome that completes {@code future} on the executor, converting the response there (it may run application code). */
    private <T> Calls.Outcome completing(CompletableFuture<T> future, Function<JsonValue, T> convert) {
        return new Calls.Outcome() {
            @Override
            public void succeeded(JsonValue response) {
                onExecutor(() -> {
                    try {
                        future.complete(convert.apply(response));
                    } catch (RuntimeException e) {
                        future.completeExceptionally(e);
                    }
                });
            }

            @Override
            public void failed(Throwable error) {
                onExecutor(() -> future.completeExceptionally(error));
            }
        };
    }

    private void onExecutor(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException closed) {
            task.run();     // the client's own executor is shut down: complete here rather than never
        }
    }

    private void submit(String method, Object payload, Calls.Outcome outcome) {
        Calls.Call call = start(method, payload, outcome);   // outside the connection's lock: JSON-B may run application code
        if (call != null) {
            connection.send(call);
        }
    }

    /** Registers a call; null when its payload cannot be written or the client is closed, which fails it. */
    private Calls.Call start(String method, Object payload, Calls.Outcome outcome) {
        try {
            return calls.start(method, payload, outcome);
        } catch (RuntimeException refused) {
            outcome.failed(refused);
            return null;
        }
    }

    /** For the call timeouts' callback, made before the connection exists. */
    private Connection connection() {
        return connection;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Settings of a {@link StreamClient}; {@link #connect()} opens it. Not thread-safe; each
     * method returns this builder.
     */
    public static final class Builder {

        private final URI uri;
        private Duration timeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration minReconnectDelay = Duration.ofMillis(250);
        private Duration maxReconnectDelay = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ofSeconds(15);
        private int queueLimit = 100;
        private int inboundLimit = 256;
        private int maxMessageLength = 16 * 1024 * 1024;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<String> subprotocols = new ArrayList<>();
        private Executor executor;
        private Jsonb jsonb;

        private Builder(URI uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
        }

        /** How long a call waits for its reply before it fails with a {@code TimeoutException}; default 10 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** How long opening a connection (TCP and handshake) may take; default 10 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * The reconnect backoff: the first delay is drawn between zero and {@code min}, each
         * further one between zero and twice the last ceiling, up to {@code max}; default 250 ms to 10 s.
         * It starts over from {@code min} only after a connection that stayed up for {@code max}:
         * one that drops sooner counts as one more failed attempt.
         */
        public Builder reconnectDelay(Duration min, Duration max) {
            positive(min, "min");
            if (positive(max, "max").compareTo(min) < 0 || max.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException("max must be between min and one day: " + max);
            }
            this.minReconnectDelay = min;
            this.maxReconnectDelay = max;
            return this;
        }

        /**
         * How often to ping the server; a connection that has received nothing since the last
         * ping when the next one is due is taken for dead and replaced. So a dead server is
         * noticed within two intervals. Default 15 s; {@link Duration#ZERO} turns it off.
         */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = Objects.requireNonNull(pingInterval, "pingInterval").isZero() ? Duration.ZERO : positive(pingInterval, "pingInterval");
            return this;
        }

        /** How many calls may wait for a connection while reconnecting; more fail with {@link ConnectionLost}; 0 refuses all. Default 100. */
        public Builder queueLimit(int queueLimit) {
            this.queueLimit = atLeast(queueLimit, 0, "queueLimit");
            return this;
        }

        /** How many messages the client reads ahead of its handlers before it stops reading; default 256. */
        public Builder inboundLimit(int inboundLimit) {
            this.inboundLimit = atLeast(inboundLimit, 1, "inboundLimit");
            return this;
        }

        /** The longest message accepted from the server, in characters; a longer one drops the connection. Default 16 Mi. */
        public Builder maxMessageLength(int maxMessageLength) {
            this.maxMessageLength = atLeast(maxMessageLength, 1, "maxMessageLength");
            return this;
        }

        /** A header for the handshake, such as {@code Authorization}. */
        public Builder header(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Subprotocols to offer in the handshake, in order of preference. */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols.clear();
            this.subprotocols.addAll(List.of(subprotocols));
            return this;
        }

        /**
         * The executor for handlers, listeners and call completions; the client runs handlers
         * one at a time on it whatever its size, but a handler that waits for a call needs a
         * second thread for the call's completion. Default: the client's own pool of daemon
         * threads, shut down by {@link StreamClient#close()}. An executor given here is not shut down.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The JSON-B used for payloads and typed results; default one of the client's own. */
        public Builder jsonb(Jsonb jsonb) {
            this.jsonb = Objects.requireNonNull(jsonb, "jsonb");
            return this;
        }

        /**
         * Opens the client; blocks until the connection is open.
         *
         * @throws ConnectionLost when the connection cannot be opened
         */
        public StreamClient connect() {
            StreamClient client = new StreamClient(new Settings(uri, timeout, connectTimeout, minReconnectDelay, maxReconnectDelay,
                    pingInterval, queueLimit, inboundLimit, maxMessageLength, Map.copyOf(headers), List.copyOf(subprotocols), executor, jsonb));
            try {
                client.connection.open();
            } catch (ConnectionLost failed) {
                client.close();
                throw failed;
            }
            return client;
        }

        private static Duration positive(Duration duration, String name) {
            if (Objects.requireNonNull(duration, name).isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }

        private static int atLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
            }
            return value;
        }
    }
}
