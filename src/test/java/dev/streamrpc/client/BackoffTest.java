package dev.streamrpc.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void delaysAreDrawnBelowACeilingThatDoublesUpToTheMaximumAndStartsOverAfterAConnectionThatStayedUp() {
        long[] ceilings = {250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000};
        List<List<Long>> draws = new ArrayList<>();
        for (int run = 0; run < 400; run++) {
            Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));
            List<Long> delays = new ArrayList<>();
            for (int attempt = 0; attempt < ceilings.length; attempt++) {
                delays.add(backoff.nextDelayMillis());
            }
            draws.add(delays);
            backoff.ended(Duration.ofSeconds(10));
            assertThat(backoff.nextDelayMillis()).isBetween(0L, 250L);
        }
        for (int attempt = 0; attempt < ceilings.length; attempt++) {
            int at = attempt;
            List<Long> column = draws.stream().map(delays -> delays.get(at)).toList();
            assertThat(column).allSatisfy(delay -> assertThat(delay).isBetween(0L, ceilings[at]));
            // Full jitter: the draws spread over the whole range, low and high.
            assertThat(column).anySatisfy(delay -> assertThat(delay).isLessThan(ceilings[at] / 4));
            assertThat(column).anySatisfy(delay -> assertThat(delay).isGreaterThan(ceilings[at] * 3 / 4));
        }
    }

    @Test
    void aConnectionThatDropsBeforeTheMaximumDelayCountsAsOneMoreFailedAttempt() {
        List<Long> draws = new ArrayList<>();
        for (int run = 0; run < 400; run++) {
            Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(10));
            backoff.nextDelayMillis();
            backoff.nextDelayMillis();
            backoff.ended(Duration.ofMillis(9_999));
            draws.add(backoff.nextDelayMillis());
        }
        assertThat(draws).allSatisfy(delay -> assertThat(delay).isBetween(0L, 1000L));
        assertThat(draws).anySatisfy(delay -> assertThat(delay).isGreaterThan(750L));
    }

    @Test
    void theCeilingItselfCanBeDrawn() {
        // "Between zero and the ceiling" includes the ceiling: with a 1 ms ceiling both 0 and 1 come up.
        List<Long> draws = new ArrayList<>();
        for (int run = 0; run < 400; run++) {
            draws.add(new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)).nextDelayMillis());
        }
        assertThat(draws).containsOnly(0L, 1L).contains(0L, 1L);
    }

    @Test
    void aMinimumBelowOneMillisecondStillGrowsTowardsTheMaximum() {
        // The builder accepts any positive minimum, 500 microseconds too. In whole milliseconds
        // that is 0, and a ceiling of 0 doubles to 0: every reconnect would come at once, forever.
        List<Long> late = new ArrayList<>();
        for (int run = 0; run < 400; run++) {
            Backoff backoff = new Backoff(Duration.ofNanos(500_000), Duration.ofMillis(64));
            for (int attempt = 0; attempt < 10; attempt++) {
                backoff.nextDelayMillis();
            }
            late.add(backoff.nextDelayMillis());
        }
        assertThat(late).allSatisfy(delay -> assertThat(delay).isBetween(0L, 64L));
        assertThat(late).anySatisfy(delay -> assertThat(delay).isGreaterThan(48L));
    }
}
