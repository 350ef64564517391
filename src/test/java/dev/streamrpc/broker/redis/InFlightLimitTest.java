package dev.streamrpc.broker.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limit on subscription changes waiting for Redis, with commands whose answers the test
 * gives and a clock it moves: queued commands start in order as places free, and when a
 * command times out without Redis having answered anything since it was sent, everything
 * still queued is refused at once instead of waiting its own timeout.
 */
class InFlightLimitTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private long now = 1_000;
    private final List<CompletableFuture<String>> sent = new ArrayList<>();
    private final InFlightLimit limit = new InFlightLimit(2, TIMEOUT, () -> now, Runnable::run);

    /** A command that Redis answers when the test completes it; the stage the caller holds. */
    private CompletionStage<String> submit() {
        return limit.submit(() -> {
            CompletableFuture<String> command = new CompletableFuture<>();
            sent.add(command);
            return command;
        });
    }

    @Test
    void queuedCommandsStartInOrderAsPlacesFree() {
        CompletableFuture<String> first = submit().toCompletableFuture();
        submit();
        CompletableFuture<String> third = submit().toCompletableFuture();
        assertThat(sent).hasSize(2);
        sent.get(0).complete("one");
        assertThat(first).isCompletedWithValue("one");
        assertThat(sent).hasSize(3);
        sent.get(2).complete("three");
        assertThat(third).isCompletedWithValue("three");
    }

    @Test
    void whenRedisAnswersNothingForATimeoutEverythingQueuedIsRefusedWithTheTimeout() {
        submit();
        CompletableFuture<String> second = submit().toCompletableFuture();
        List<CompletableFuture<String>> queued = List.of(submit().toCompletableFuture(), submit().toCompletableFuture(),
                submit().toCompletableFuture());
        now += TIMEOUT.toNanos();
        TimeoutException silence = new TimeoutException("Command timed out after 5 second(s)");
        sent.get(0).completeExceptionally(silence);
        assertThat(queued).allSatisfy(refused -> assertThat(refused).isCompletedExceptionally());
        assertThat(queued.get(2).handle((value, failure) -> failure).join()).isSameAs(silence);
        assertThat(sent).as("none of the queued commands was sent").hasSize(2);
        assertThat(second).isNotDone();
        // The place freed is taken by the next command asked for.
        submit();
        assertThat(sent).hasSize(3);
    }

    @Test
    void aTimeoutAfterRedisAnsweredAnotherCommandStartsTheNextQueuedOne() {
        submit();
        submit();
        CompletableFuture<String> queued = submit().toCompletableFuture();
        now += TIMEOUT.toNanos() / 2;
        sent.get(1).complete("answered meanwhile");   // its place goes to the queued one
        CompletableFuture<String> queuedLater = submit().toCompletableFuture();
        now += TIMEOUT.toNanos() / 2;
        sent.get(0).completeExceptionally(new TimeoutException("slow"));
        assertThat(queued).isNotDone();
        assertThat(queuedLater).isNotDone();
        assertThat(sent).hasSize(4);
    }

    @Test
    void anErrorRedisAnswersAtOnceAfterALongQuietSpellRefusesOnlyItsOwnCommand() {
        now += TIMEOUT.toNanos() * 10;   // nothing asked, nothing answered meanwhile
        CompletableFuture<String> first = submit().toCompletableFuture();
        submit();
        CompletableFuture<String> queued = submit().toCompletableFuture();
        sent.get(0).completeExceptionally(new IllegalStateException("ERR an error reply"));
        assertThat(first).isCompletedExceptionally();
        assertThat(queued).isNotDone();
        assertThat(sent).as("the queued command took the place").hasSize(3);
    }
}
