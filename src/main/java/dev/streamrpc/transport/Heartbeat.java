package dev.streamrpc.transport;

import java.util.function.LongSupplier;

/**
 * One connection's liveness, judged every ping interval on the transport's timer. A peer that
 * sent no message in the last interval is pinged, so that proxies see traffic and a peer that is
 * gone shows: one that has sent nothing, pong or message, for a whole interval after the ping was
 * written is given up. A ping not yet written (the Jakarta path's pinger may be busy) is waited
 * for, never counted against the peer. Jetty counts the server's own writes, pings included,
 * against the idle timeout, which therefore cannot tell.
 *
 * <p>{@link #beat} runs on the timer thread only; {@link #heardMessage} and {@link #heardPong}
 * on the thread reading the connection. A frame that arrives while a beat runs may go unseen
 * by it, which costs at most one ping more.
 */
final class Heartbeat {

    /** What the heartbeat does to its connection. */
    interface Pulse {
        /** Sends a ping unless it cannot now; runs {@code written} once it is written. */
        boolean ping(Runnable written);

        /** The peer answered nothing: close the connection. */
        void timedOut();
    }

    private static final int NOTHING = 0;
    private static final int PONG = 1;
    private static final int MESSAGE = 2;

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Pulse pulse;
    private volatile int heard;
    private volatile long pingWrittenAt;   // clock value, odd; 0 until the ping in flight is written
    private boolean pinging;   // the timer thread's: a ping was sent and nothing heard since

    Heartbeat(long intervalNanos, LongSupplier clock, Pulse pulse) {
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.pulse = pulse;
    }

    void heardMessage() {
        heard = MESSAGE;
    }

    void heardPong() {
        if (heard == NOTHING) {
            heard = PONG;
        }
    }

    void beat() {
        int lately = heard;
        if (pinging) {
            if (lately == NOTHING) {
                long written = pingWrittenAt;
                if (written != 0 && clock.getAsLong() - written >= intervalNanos) {
                    pulse.timedOut();
                }
                return;
            }
            pinging = false;
        }
        heard = NOTHING;
        if (lately != MESSAGE) {
            pingWrittenAt = 0;
            pinging = pulse.ping(this::written);
        }
    }

    private void written() {
        pingWrittenAt = clock.getAsLong() | 1;
    }
}
