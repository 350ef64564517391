package dev.streamrpc.broker.redis;

import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limit on subscription changes waiting for Redis, with commands whose answers the test
 * gives and a clock it moves: queued commands start in order as places free, and when a
 * command times out without Redis having answered anything since it was sent, the refusable
 * commands still queued are refused at once instead of waiting their own timeouts.
 */
class InFlightLimitTest {

    private static final long SECOND = 1_000_000_000L;

    private long now = 1_000;
    private final List<CompletableFuture<String>> sent = new ArrayList<>();
    private final InFlightLimit limit = new InFlightLimit(2, () -> now, Runnable::run);

    /** A command that Redis answers when the test completes it; the stage its caller holds. */
    private CompletableFuture<String> submit(boolean refusable) {
        return limit.submit(() -> {
            CompletableFuture<String> command = new CompletableFuture<>();
            sent.add(command);
            return command;
        }, refusable).toCompletableFuture();
    }

    private CompletableFuture<String> subscribe() {
        return submit(true);
    }

    private static RedisCommandTimeoutException timeout() {
        return new RedisCommandTimeoutException("Command timed out after 5 second(s)");
    }

    @Test
    void queuedCommandsStartInOrderAsPlacesFree() {
        CompletableFuture<String> first = subscribe();
        subscribe();
        CompletableFuture<String> third = subscribe();
        assertThat(sent).hasSize(2);
        sent.get(0).complete("one");
        assertThat(first).isCompletedWithValue("one");
        assertThat(sent).hasSize(3);
        sent.get(2).complete("three");
        assertThat(third).isCompletedWithValue("three");
    }

    @Test
    void whenRedisAnswersNothingUntilATimeoutTheQueuedSubscribesAreRefusedWithIt() {
        now += SECOND;
        subscribe();
        CompletableFuture<String> second = subscribe();
        List<CompletableFuture<String>> queued = List.of(subscribe(), subscribe(), subscribe());
        now += 5 * SECOND;
        RedisCommandTimeoutException silence = timeout();
        sent.get(0).completeExceptionally(new CompletionException(silence));   // as it comes through a chain of stages
        assertThat(queued).allSatisfy(refused -> assertThat(refused).isCompletedExceptionally());
        assertThat(queued.get(2).handle((value, failure) -> failure).join()).hasRootCause(silence);
        assertThat(sent).as("none of the queued commands was sent").hasSize(2);
        assertThat(second).isNotDone();
        // The place freed is taken by the next command asked for.
        subscribe();
        assertThat(sent).hasSize(3);
    }

    @Test
    void aQueuedUnsubscribeIsNotRefusedButWaitsItsTurn() {
        now += SECOND;
        subscribe();
        subscribe();
        CompletableFuture<String> unsubscribe = submit(false);
        CompletableFuture<String> queuedSubscribe = subscribe();
        now += 5 * SECOND;
        sent.get(0).completeExceptionally(timeout());
        assertThat(queuedSubscribe).isCompletedExceptionally();
        assertThat(unsubscribe).isNotDone();
        assertThat(sent).as("the unsubscribe took the place").hasSize(3);
        sent.get(2).complete("unsubscribed");
        assertThat(unsubscribe).isCompletedWithValue("unsubscribed");
    }

    @Test
    void aTimeoutAfterRedisAnsweredAnotherCommandStartsTheNextQueuedOne() {
        subscribe();
        subscribe();
        CompletableFuture<String> queued = subscribe();
        now += 2 * SECOND;
        sent.get(1).complete("answered meanwhile");   // its place goes to the queued one
        CompletableFuture<String> queuedLater = subscribe();
        now += 3 * SECOND;
        sent.get(0).completeExceptionally(timeout());
        assertThat(queued).isNotDone();
        assertThat(queuedLater).isNotDone();
        assertThat(sent).hasSize(4);
    }

    @Test
    void anErrorThatIsNotATimeoutRefusesOnlyItsOwnCommandHoweverLateItComes() {
        now += 10 * SECOND;   // nothing asked, nothing answered meanwhile
        CompletableFuture<String> first = subscribe();
        subscribe();
        CompletableFuture<String> queued = subscribe();
        now += 5 * SECOND;
        sent.get(0).completeExceptionally(new IllegalStateException("ERR an error reply"));
        assertThat(first).isCompletedExceptionally();
        assertThat(queued).isNotDone();
        assertThat(sent).as("the queued command took the place").hasSize(3);
    }

    /**
     * Answers are timed before the lock is taken, so two threads can record them out of order:
     * an earlier time recorded last must not move the last answer back, or a command sent
     * between the two that then times out would be taken for one Redis never answered.
     */
    @Test
    void anAnswerRecordedOutOfOrderDoesNotMoveTheLastAnswerBack() {
        now += SECOND;
        subscribe();
        subscribe();
        now += 2 * SECOND;
        sent.get(0).complete("answered later, recorded first");
        now -= SECOND;
        sent.get(1).complete("answered earlier, recorded last");
        now += SECOND / 2;   // between the two answers
        subscribe();
        subscribe();
        CompletableFuture<String> queued = subscribe();
        now += 5 * SECOND;
        sent.get(2).completeExceptionally(timeout());
        assertThat(queued).as("Redis answered after the command was sent").isNotDone();
        assertThat(sent).hasSize(5);
    }

    /** Once the broker's starter refuses work (it is closing), nothing waiting would ever start: all of it fails now. */
    @Test
    void whenTheStarterRefusesEveryQueuedCommandFailsInsteadOfWaitingForever() {
        InFlightLimit closing = new InFlightLimit(1, () -> now, start -> {
            throw new RejectedExecutionException("closed");
        });
        List<CompletableFuture<String>> commands = new ArrayList<>();
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (boolean refusable : new boolean[] {true, true, false, true}) {
            results.add(closing.submit(() -> {
                CompletableFuture<String> command = new CompletableFuture<>();
                commands.add(command);
                return command;
            }, refusable).toCompletableFuture());
        }
        commands.get(0).complete("answered");
        assertThat(results.get(0)).isCompletedWithValue("answered");
        assertThat(commands).as("nothing else was sent").hasSize(1);
        assertThat(results.subList(1, 4)).allSatisfy(queued -> assertThat(queued)
                .failsWithin(Duration.ZERO).withThrowableThat().havingCause()
                .isInstanceOf(IllegalStateException.class).withMessage("the broker is closing"));
    }
}
