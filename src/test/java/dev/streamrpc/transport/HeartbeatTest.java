package dev.streamrpc.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The heartbeat's judgement, on a test clock: who is pinged, and who is given up when. */
class HeartbeatTest {

    private static final long INTERVAL = 1_000;

    private long now;
    private final List<Runnable> unwritten = new ArrayList<>();
    private int pings;
    private int timeouts;
    private boolean canPing = true;
    private final Heartbeat heartbeat = new Heartbeat(INTERVAL, () -> now, new Heartbeat.Pulse() {
        @Override
        public boolean ping(Runnable written) {
            if (canPing) {
                pings++;
                unwritten.add(written);
            }
            return canPing;
        }

        @Override
        public void timedOut() {
            timeouts++;
        }
    });

    /** The next beat, one interval on. */
    private void beat() {
        now += INTERVAL;
        heartbeat.beat();
    }

    private void writePings() {
        unwritten.forEach(Runnable::run);
        unwritten.clear();
    }

    @Test
    void aPeerThatSendsMessagesIsNeverPinged() {
        for (int i = 0; i < 5; i++) {
            heartbeat.heardMessage();
            beat();
        }
        assertThat(pings).isZero();
        assertThat(timeouts).isZero();
    }

    @Test
    void aQuietPeerIsPingedEveryIntervalAndKeptWhileItAnswers() {
        for (int i = 0; i < 5; i++) {
            beat();
            writePings();
            heartbeat.heardPong();
        }
        assertThat(pings).isEqualTo(5);
        assertThat(timeouts).isZero();
    }

    @Test
    void aPeerThatAnswersNothingIsGivenUpAWholeIntervalAfterItsPingWasWritten() {
        beat();
        now += 10;   // written just after the beat
        writePings();
        beat();
        assertThat(timeouts).as("an interval less 10 after the write").isZero();
        beat();
        assertThat(timeouts).isEqualTo(1);
        assertThat(pings).isEqualTo(1);
    }

    @Test
    void aPingNotYetWrittenIsWaitedForNotCountedAgainstThePeer() {
        // The Jakarta path's pinger was busy: the first ping is written three intervals late.
        beat();
        beat();
        beat();
        beat();
        assertThat(timeouts).isZero();
        writePings();
        heartbeat.heardPong();
        beat();
        assertThat(timeouts).isZero();
        assertThat(pings).as("one ping in flight at a time, then the next").isEqualTo(2);
    }

    @Test
    void aMessageAnswersAPingAsAPongDoes() {
        beat();
        writePings();
        heartbeat.heardMessage();
        beat();
        beat();
        writePings();
        heartbeat.heardPong();
        beat();
        assertThat(timeouts).isZero();
    }

    @Test
    void noPingWhileTheOutboxCannotSendOneAndNoTimeoutForIt() {
        canPing = false;
        for (int i = 0; i < 5; i++) {
            beat();
        }
        assertThat(timeouts).isZero();
        canPing = true;
        beat();
        writePings();
        beat();
        beat();
        assertThat(timeouts).isEqualTo(1);
    }
}
