package dev.streamrpc.client;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.net.http.HttpClient;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client's connection as the application sees it: one WebSocket ({@link Link}) at a time,
 * replaced after a drop. It owns the {@link State}, sends calls or queues them while there is
 * no link, restores the subscriptions on each new link, runs the ping watchdog, and sorts the
 * frames a link receives into replies, messages and gaps.
 *
 * <p>State changes and sends happen under one lock, held briefly and never across I/O
 * (sending only queues on the link), so that a call made while a link opens goes out after the
 * restored subscriptions and the calls that waited, never before and never lost.
 */
final class Connection implements Link.Events {

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final long CLOSE_GRACE_MILLIS = 2000;

    private final Settings settings;
    private final Calls calls;
    private final Subscriptions subscriptions;
    private final HandlerQueue callbacks;
    private final ScheduledExecutorService timer;
    private final List<Consumer<State>> stateListeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private volatile State state = State.CONNECTING;     // written under lock
    private Link link;                                    // the open link, or null; under lock
    private final Queue<Calls.Call> waiting = new ArrayDeque<>();   // calls waiting for a link; under lock
    private final Backoff backoff;                        // under lock
    private ScheduledFuture<?> reconnect;                 // under lock
    private ScheduledFuture<?> watchdog;                  // under lock

    Connection(Settings settings, Calls calls, Subscriptions subscriptions, HandlerQueue callbacks, ScheduledExecutorService timer) {
        this.settings = settings;
        this.calls = calls;
        this.subscriptions = subscriptions;
        this.callbacks = callbacks;
        this.timer = timer;
        this.backoff = new Backoff(settings.minReconnectDelay(), settings.maxReconnectDelay());
    }

    State state() {
        return state;
    }

    void onStateChange(Consumer<State> listener) {
        stateListeners.add(listener);
    }

    /** Opens the first link; blocks until it is open. */
    void open() {
        Link first;
        try {
            first = Link.open(Http.CLIENT, settings, this).get();
        } catch (ExecutionException failed) {
            throw new ConnectionLost("Could not connect to " + settings.uri(), failed.getCause());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new ConnectionLost("Interrupted while connecting to " + settings.uri(), interrupted);
        }
        opened(first);
    }

    /** Sends a call now, or queues it for the next link, or refuses it. */
    void send(Calls.Call call) {
        synchronized (lock) {
            sendLocked(call);
        }
    }

    /**
     * Forgets a subscription and, if no other one holds its pattern and there is a link, sends
     * {@code unsubscribe}; false when there was nothing to send. Under the lock, so that a new
     * link either restores the subscription before this or never.
     */
    boolean unsubscribe(Subscription subscription, Calls.Outcome outcome) {
        synchronized (lock) {
            if (!subscriptions.removed(subscription) || link == null) {
                return false;
            }
            sendLocked(calls.start("unsubscribe", Map.of("channel", subscription.channel(), "event", subscription.pattern()), outcome));
            return true;
        }
    }

    /** A call timed out: it no longer waits for a link. */
    void expired(Calls.Call call) {
        synchronized (lock) {
            waiting.remove(call);
        }
    }

    /** Closes for good: no more links; the caller fails what is pending. False if it was closed already. */
    boolean close() {
        Link closing;
        synchronized (lock) {
            if (state == State.CLOSED) {
                return false;
            }
            subscriptions.closing();
            setStateLocked(State.CLOSED);
            closing = link;
            link = null;
            cancelTimersLocked();
            waiting.clear();
        }
        if (closing != null) {
            closing.close(1000, "", CLOSE_GRACE_MILLIS);
        }
        return true;
    }

    private void sendLocked(Calls.Call call) {
        if (state == State.CLOSED) {
            calls.fail(call, new ConnectionLost("The client is closed"));
        } else if (link != null) {
            call.link = link;
            link.send(call.frame);
        } else if (waiting.size() < settings.queueLimit()) {
            waiting.add(call);
        } else {
            calls.fail(call, new ConnectionLost("Not connected, and " + settings.queueLimit() + " calls already wait for the connection"));
        }
    }

    /** A link opened: restore the subscriptions, send what waited, then read. */
    private void opened(Link opened) {
        synchronized (lock) {
            if (state == State.CLOSED) {
                opened.close(1000, "", CLOSE_GRACE_MILLIS);
                return;
            }
            link = opened;
            // A send the link fails at once ends it here, under this lock (ended() is reentrant):
            // stop there, or sendLocked would put each waiting call back in the queue, forever.
            Iterator<Subscriptions.Restore> restores = subscriptions.restore().iterator();
            while (link == opened && restores.hasNext()) {
                Subscriptions.Restore restore = restores.next();
                sendLocked(calls.start("subscribe", restore.payload(), restoring(restore)));
            }
            while (link == opened && !waiting.isEmpty()) {
                sendLocked(waiting.poll());
            }
            if (link != opened) {
                return;     // it failed while we were sending, and is already being replaced
            }
            setStateLocked(State.OPEN);
            startWatchdogLocked(opened);
        }
        opened.start(settings.inboundLimit());
        if (opened.isOver()) {
            // It ended before it was installed, when its end was not yet ours to handle.
            ended(opened, "ended while opening");
        }
    }

    private Calls.Outcome restoring(Subscriptions.Restore restore) {
        return new Calls.Outcome() {
            @Override
            public void succeeded(JsonValue response) {
                subscriptions.restored(restore, response, null);
            }

            @Override
            public void failed(Throwable error) {
                // A dropped link ends the recovery by itself (Subscriptions.connectionLost).
                if (!(error instanceof ConnectionLost)) {
                    LOG.log(System.Logger.Level.WARNING, "Could not subscribe again with " + restore.payload() + ": " + error);
                    subscriptions.restored(restore, null, Subscriptions.REFUSED);
                }
            }
        };
    }

    private void startWatchdogLocked(Link opened) {
        if (settings.pingInterval().isZero()) {
            return;
        }
        long every = settings.pingInterval().toNanos();
        watchdog = timer.scheduleAtFixedRate(() -> {
            if (!opened.pingIfAlive()) {
                opened.abort("no answer to a ping within " + settings.pingInterval());
            }
        }, every, every, TimeUnit.NANOSECONDS);
    }

    @Override
    public void text(Link from, String text) {
        JsonObject frame = Wire.parse(text);
        if (frame != null && frame.containsKey("id")) {
            calls.reply(frame);
        } else if (frame != null && frame.containsKey("gap")) {
            subscriptions.gap(frame);
        } else if (frame != null && Wire.string(frame, "channel") != null) {
            subscriptions.deliver(frame, from::credit);
            return;
        }
        from.credit();
    }

    /**
     * A link ended: fail what was out on it and, unless closed, try again after a while. The
     * next attempt is scheduled only once the subscriptions have let go of this link's
     * recoveries: scheduled earlier, a quick reconnect could restore first, and the late
     * {@code connectionLost} then dropped the new recovery, its reply and the messages it
     * brought back, silently.
     */
    @Override
    public void ended(Link ended, String why) {
        synchronized (lock) {
            if (ended != link) {
                if (state == State.CLOSED) {
                    LOG.log(System.Logger.Level.DEBUG, "StreamRPC connection to " + settings.uri() + " closed (" + why + ")");
                }
                return;     // never installed, or the client was closed
            }
            link = null;
            backoff.ended(ended.uptime());
            cancelTimersLocked();
            setStateLocked(State.RECONNECTING);
        }
        LOG.log(System.Logger.Level.INFO, "StreamRPC connection to " + settings.uri() + " lost (" + why + "); reconnecting");
        calls.failSentOn(ended, new ConnectionLost("Connection lost: " + why));
        subscriptions.connectionLost();
        synchronized (lock) {
            if (state == State.RECONNECTING && link == null) {     // not closed meanwhile
                scheduleReconnectLocked();
            }
        }
    }

    private void scheduleReconnectLocked() {
        reconnect = timer.schedule(this::reconnect, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconnect() {
        if (state == State.CLOSED) {
            return;
        }
        Link.open(Http.CLIENT, settings, this).whenComplete((opened, failure) -> {
            if (failure == null) {
                opened(opened);
                return;
            }
            synchronized (lock) {
                if (state != State.CLOSED) {
                    scheduleReconnectLocked();
                }
            }
        });
    }

    private void cancelTimersLocked() {
        if (watchdog != null) {
            watchdog.cancel(false);
            watchdog = null;
        }
        if (reconnect != null) {
            reconnect.cancel(false);
            reconnect = null;
        }
    }

    private void setStateLocked(State next) {
        state = next;
        for (Consumer<State> listener : stateListeners) {
            callbacks.execute(() -> listener.accept(next));
        }
    }

    /** One HTTP client for every StreamClient: its selector thread and pool are shared. */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newHttpClient();
    }
}
