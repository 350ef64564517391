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
}
