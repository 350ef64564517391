package dev.streamrpc.transport;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.WriteBehindThread;
import dev.streamrpc.pubsub.CloseStatus;
import dev.streamrpc.rpc.Caller;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {

    /** A sender whose writes complete when the test says so, recording everything it is asked to do. */
    static final class ManualSender implements Outbox.Sender {
        final List<String> written = new CopyOnWriteArrayList<>();
        final List<Outbox.SendDone> callbacks = new CopyOnWriteArrayList<>();
        final int batch;
        boolean atOnce;   // each write completes before send returns
        RuntimeException refusal;   // thrown once by the next send, as a container refuses a write on a broken connection

        ManualSender(int batch) {
            this.batch = batch;
        }

        @Override
        public void send(EncodedMessage message, boolean more, Outbox.SendDone done) {
            if (refusal != null) {
                RuntimeException thrown = refusal;
                refusal = null;
                throw thrown;
            }
            written.add(message.text() + (more ? "+" : ""));
            if (done != null && atOnce) {
                done.done(null);
            } else if (done != null) {
                callbacks.add(done);
            }
        }

        @Override
        public int maxBatch() {
            return batch;
        }

        @Override
        public void ping(Runnable written) {
            this.written.add("ping");
            written.run();
        }

        @Override
        public void close(int code, String reason) {
            written.add("close " + code + " " + reason);
        }

        @Override
        public void abort() {
            written.add("abort");
        }

        void complete() {
            callbacks.remove(0).done(null);
        }
    }

    private final List<String> closings = new CopyOnWriteArrayList<>();
    private final Outbox.ClosingListener listener = (status, dropped) -> closings.add(status + " dropping " + dropped);

    @Test
    void oneSendIsInFlightAtATimeAndTheRestFollowInOrder() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        outbox.offer(EncodedMessage.of("a"));
        outbox.offer(EncodedMessage.of("b"));
        outbox.offer(EncodedMessage.of("c"));
        assertThat(sender.written).containsExactly("a");
        sender.complete();
        sender.complete();
        assertThat(sender.written).containsExactly("a", "b", "c");
    }

    @Test
    void aBatchingSenderGetsTheBacklogInOneGoWithOnlyTheLastFlushed() {
        ManualSender sender = new ManualSender(3);
        Outbox outbox = new Outbox(sender, 1000, listener);
        Caller.ReplySlot slot = outbox.reserve();
        for (String text : List.of("a", "b", "c", "d")) {
            outbox.offer(EncodedMessage.of(text));
        }
        slot.fill("r");
        assertThat(sender.written).containsExactly("r+", "a+", "b");
        sender.complete();
        assertThat(sender.written).containsExactly("r+", "a+", "b", "c+", "d");
    }

    @Test
    void repliesFilledInAWriteBehindRunLeaveTogetherWhenTheRunEnds() throws InterruptedException {
        ManualSender sender = writingAtOnce(64);
        Outbox outbox = new Outbox(sender, 1000, listener);
        List<Caller.ReplySlot> slots = List.of(outbox.reserve(), outbox.reserve(), outbox.reserve());
        List<String> writtenBeforeTheEnd = new ArrayList<>();
        WriteBehindThread thread = new WriteBehindThread(() -> {
            WriteBehindThread self = (WriteBehindThread) Thread.currentThread();
            self.open();
            slots.forEach(slot -> slot.fill("r" + slots.indexOf(slot)));
            writtenBeforeTheEnd.addAll(sender.written);
            self.close();
        }, "run");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(writtenBeforeTheEnd).isEmpty();
        assertThat(sender.written).containsExactly("r0+", "r1+", "r2");
    }

    @Test
    void aReadRunKeepsTheRepliesOfTheConnectionItReadsOnlyAndWritesThemTogetherWhenItEnds() throws InterruptedException {
        ManualSender read = writingAtOnce(64);
        ManualSender other = writingAtOnce(64);
        Outbox reading = new Outbox(read, 1000, listener);
        Outbox elsewhere = new Outbox(other, 1000, listener);
        List<String> readBeforeTheEnd = new ArrayList<>();
        List<String> otherBeforeTheEnd = new ArrayList<>();
        WriteBehindThread thread = new WriteBehindThread(() -> {
            WriteBehindThread self = (WriteBehindThread) Thread.currentThread();
            self.openRead();
            elsewhere.reserve().fill("d0");   // before the read connection is named: at once
            reading.readsHere();
            reading.reserve().fill("r0");
            reading.reserve().fill("r1");
            elsewhere.reserve().fill("d1");
            readBeforeTheEnd.addAll(read.written);
            otherBeforeTheEnd.addAll(other.written);
            self.openRead();   // the thread reads again: the last read's replies go first
        }, "jetty");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(readBeforeTheEnd).isEmpty();
        assertThat(read.written).containsExactly("r0+", "r1");
        assertThat(otherBeforeTheEnd).containsExactly("d0", "d1");
    }

    @Test
    void largeRepliesInARunGoAtOnceRatherThanFillTheOutboxPastItsLimit() throws InterruptedException {
        ManualSender sender = writingAtOnce(64);
        Outbox outbox = new Outbox(sender, 1000, listener);   // a run holds at most a quarter: 250 bytes
        String reply = "x".repeat(100);
        List<Integer> writtenAfterEachReply = new ArrayList<>();
        WriteBehindThread thread = new WriteBehindThread(() -> {
            WriteBehindThread self = (WriteBehindThread) Thread.currentThread();
            self.openRead();
            outbox.readsHere();
            for (int i = 0; i < 5; i++) {
                outbox.reserve().fill(reply);
                writtenAfterEachReply.add(sender.written.size());
            }
            self.close();
        }, "jetty");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(10));
        // Two replies (200 bytes) wait for the run's end; the third (300) sends the three at once.
        assertThat(writtenAfterEachReply).containsExactly(0, 0, 3, 3, 3);
        assertThat(sender.written).hasSize(5);
        assertThat(closings).isEmpty();
    }

    @Test
    void outsideARunEachReplyIsWrittenAtOnce() {
        ManualSender sender = writingAtOnce(64);
        Outbox outbox = new Outbox(sender, 1000, listener);
        List<Caller.ReplySlot> slots = List.of(outbox.reserve(), outbox.reserve());
        slots.get(0).fill("r0");
        assertThat(sender.written).containsExactly("r0");
        slots.get(1).fill("r1");
        assertThat(sender.written).containsExactly("r0", "r1");
    }

    /** A sender whose writes complete before {@code send} returns, as Jetty's do when the socket takes them. */
    private static ManualSender writingAtOnce(int batch) {
        ManualSender sender = new ManualSender(batch);
        sender.atOnce = true;
        return sender;
    }

    @Test
    void aReservedSlotHoldsBackWhatWasQueuedAfterIt() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        Caller.ReplySlot slot = outbox.reserve();
        outbox.offer(EncodedMessage.of("message"));
        assertThat(sender.written).isEmpty();
        slot.fill("reply");
        sender.complete();
        assertThat(sender.written).containsExactly("reply", "message");
    }

    @Test
    void aSlotMovedToTheEndLetsWhatWasQueuedSinceGoFirstAndHoldsBackWhatFollows() {
        ManualSender sender = new ManualSender(3);
        Outbox outbox = new Outbox(sender, 1000, listener);
        Outbox.Slot slot = outbox.reserve();
        outbox.offer(EncodedMessage.of("older"));
        assertThat(sender.written).isEmpty();
        outbox.moveBehindQueued(slot);
        assertThat(sender.written).containsExactly("older");
        outbox.offer(EncodedMessage.of("newer"));
        sender.complete();
        assertThat(sender.written).containsExactly("older");
        slot.fill("reply");
        assertThat(sender.written).containsExactly("older", "reply+", "newer");
    }

    @Test
    void aMovedSlotStaysAheadOfRepliesWaitingAtTheEnd() {
        ManualSender sender = new ManualSender(3);
        Outbox outbox = new Outbox(sender, 1000, listener);
        Outbox.Slot moved = outbox.reserve();
        outbox.offer(EncodedMessage.of("older"));
        Caller.ReplySlot later = outbox.reserve();
        outbox.moveBehindQueued(moved);
        outbox.offer(EncodedMessage.of("newer"));
        moved.fill("moved");
        assertThat(sender.written).containsExactly("older");
        sender.complete();
        assertThat(sender.written).as("the later reply still waits").containsExactly("older", "moved");
        later.fill("later");
        sender.complete();
        assertThat(sender.written).containsExactly("older", "moved", "later+", "newer");
    }

    @Test
    void aReplyReservedAfterClosingStartedIsDropped() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        outbox.close(CloseStatus.SHUTTING_DOWN);
        Outbox.Slot slot = outbox.reserve();
        slot.fill("too late");
        assertThat(sender.written).containsExactly("close 1001 Server shutting down");
    }

    @Test
    void aFilledSlotDoesNotMove() {
        ManualSender sender = new ManualSender(3);
        Outbox outbox = new Outbox(sender, 1000, listener);
        Outbox.Slot slot = outbox.reserve();
        outbox.offer(EncodedMessage.of("message"));
        slot.fill("reply");
        outbox.moveBehindQueued(slot);
        assertThat(sender.written).containsExactly("reply+", "message");
    }

    @Test
    void theLimitCoversWhatIsInFlightUntilTheContainerHasWrittenIt() {
        ManualSender sender = new ManualSender(64);
        Outbox outbox = new Outbox(sender, 10, listener);
        outbox.offer(EncodedMessage.of("12345"));      // in flight, not yet written: still 5 bytes held
        outbox.offer(EncodedMessage.of("1234"));       // queued: 9
        outbox.offer(EncodedMessage.of("12"));         // 11: over
        assertThat(closings).containsExactly("SLOW_CONSUMER dropping 2");
        assertThat(sender.written).containsExactly("12345");
        sender.complete();                             // the close frame follows the send in flight, never before it
        assertThat(sender.written).containsExactly("12345", "close 1008 slow consumer");
    }

    @Test
    void messagesHandedOverTogetherGoOutInOneBatch() {
        ManualSender sender = new ManualSender(64);
        Outbox outbox = new Outbox(sender, 1000, listener);
        outbox.offer(List.of(EncodedMessage.of("a"), EncodedMessage.of("b"), EncodedMessage.of("c")));
        assertThat(sender.written).containsExactly("a+", "b+", "c");
    }

    @Test
    void aHandOverThatDoesNotFitClosesTheConnectionAndCountsWhatItDropped() {
        ManualSender sender = new ManualSender(64);
        Outbox outbox = new Outbox(sender, 10, listener);
        outbox.offer(EncodedMessage.of("12345"));   // in flight
        outbox.offer(List.of(EncodedMessage.of("1234"), EncodedMessage.of("12"), EncodedMessage.of("1")));
        assertThat(closings).containsExactly("SLOW_CONSUMER dropping 3");   // the one queued and the two refused
        sender.complete();
        assertThat(sender.written).containsExactly("12345", "close 1008 slow consumer");
    }

    @Test
    void bytesLeaveTheCountOnlyWhenWritten() {
        ManualSender sender = new ManualSender(64);
        Outbox outbox = new Outbox(sender, 10, listener);
        outbox.offer(EncodedMessage.of("12345"));
        sender.complete();
        outbox.offer(EncodedMessage.of("1234567890"));   // exactly the limit, now that the first is written
        assertThat(closings).isEmpty();
    }

    @Test
    void bytesAreCountedInUtf8() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 11, listener);
        outbox.offer(EncodedMessage.of("x"));
        outbox.offer(EncodedMessage.of("ééééé"));      // 5 characters, 10 bytes: 11 in all
        assertThat(closings).isEmpty();
        outbox.offer(EncodedMessage.of("é"));
        assertThat(closings).containsExactly("SLOW_CONSUMER dropping 2");
    }

    @Test
    void manyOfferersOverflowingAtOnceCloseTheConnectionExactlyOnce() throws Exception {
        for (int round = 0; round < 50; round++) {
            ManualSender sender = new ManualSender(1);
            List<String> heard = new CopyOnWriteArrayList<>();
            Outbox outbox = new Outbox(sender, 100, (status, dropped) -> heard.add(status.name()));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < 8; t++) {
                pool.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 50; i++) {
                        outbox.offer(EncodedMessage.of("0123456789"));
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            if (!sender.callbacks.isEmpty()) {   // the overflow may have come before the first send started
                sender.complete();
            }
            assertThat(heard).containsExactly("SLOW_CONSUMER");
            assertThat(sender.written.stream().filter(w -> w.startsWith("close"))).hasSize(1);
        }
    }

    @Test
    void closingWithFlushSendsWhatIsQueuedAndAPendingReplyFirst() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        outbox.offer(EncodedMessage.of("a"));
        Caller.ReplySlot slot = outbox.reserve();
        outbox.offer(EncodedMessage.of("b"));
        assertThat(outbox.close(CloseStatus.SHUTTING_DOWN)).isTrue();
        assertThat(outbox.close(CloseStatus.SLOW_CONSUMER)).as("only the first close counts").isFalse();
        outbox.offer(EncodedMessage.of("too late"));
        sender.complete();
        slot.fill("reply");
        sender.complete();
        sender.complete();
        assertThat(sender.written).containsExactly("a", "reply", "b", "close 1001 Server shutting down");
        assertThat(closings).containsExactly("SHUTTING_DOWN dropping 0");
    }

    @Test
    void aFailedSendDropsTheConnectionOnceWithoutACloseFrame() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        outbox.offer(EncodedMessage.of("a"));
        outbox.offer(EncodedMessage.of("b"));
        sender.callbacks.remove(0).done(new IOException("broken pipe"));
        outbox.offer(EncodedMessage.of("c"));
        outbox.close(CloseStatus.SHUTTING_DOWN);
        assertThat(sender.written).containsExactly("a", "abort");
        assertThat(closings).containsExactly("SERVER_ERROR dropping 1");
    }

    @Test
    void afterTheContainerClosedNothingIsSent() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        outbox.terminate();
        outbox.offer(EncodedMessage.of("a"));
        assertThat(outbox.close(CloseStatus.SHUTTING_DOWN)).isFalse();
        assertThat(sender.written).isEmpty();
    }

    @Test
    void aPingGoesOutOnlyWhenNoSendIsInFlightAndTheOutboxIsOpen() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1 << 20, listener);
        List<String> written = new ArrayList<>();
        assertThat(outbox.ping(() -> written.add("first"))).isTrue();
        outbox.offer(EncodedMessage.of("m"));
        // The write in flight says more of the peer than a ping would.
        assertThat(outbox.ping(() -> written.add("refused"))).isFalse();
        sender.callbacks.get(0).done(null);
        assertThat(outbox.ping(() -> written.add("second"))).isTrue();
        outbox.close(CloseStatus.SHUTTING_DOWN);
        assertThat(outbox.ping(() -> written.add("closing"))).isFalse();
        assertThat(sender.written).containsExactly("ping", "m", "ping", "close 1001 Server shutting down");
        assertThat(written).containsExactly("first", "second");
    }

    @Test
    void sendsThatCompleteOnTheCallingThreadDoNotGrowTheStack() {
        List<String> written = new ArrayList<>();
        Outbox outbox = new Outbox(new Outbox.Sender() {
            @Override
            public void send(EncodedMessage message, boolean more, Outbox.SendDone done) {
                written.add(message.text());
                done.done(null);
            }

            @Override
            public void ping(Runnable written) {
            }

            @Override
            public void close(int code, String reason) {
            }

            @Override
            public void abort() {
            }
        }, 1 << 30, listener);
        Caller.ReplySlot slot = outbox.reserve();
        for (int i = 0; i < 200_000; i++) {
            outbox.offer(EncodedMessage.of("m"));
        }
        slot.fill("first");
        assertThat(written).hasSize(200_001);
        assertThat(written.get(0)).isEqualTo("first");
    }

    /** Nothing in flight means no send will complete to close the connection later: the overflow must close it now. */
    @Test
    void anOverflowWithNothingInFlightClosesTheConnectionAtOnce() {
        ManualSender sender = new ManualSender(64);
        Outbox outbox = new Outbox(sender, 10, listener);
        outbox.reserve();                              // holds back what follows: nothing goes in flight
        outbox.offer(EncodedMessage.of("123456"));
        outbox.offer(EncodedMessage.of("12345"));      // 11: over
        assertThat(closings).containsExactly("SLOW_CONSUMER dropping 2");
        assertThat(sender.written).containsExactly("close 1008 slow consumer");
    }

    /**
     * A reply is accepted up to and past the limit once, so that one large reply (a recovery)
     * can go out; a reply filled while the outbox is already past its limit closes it, or a
     * client that does not read could make the server hold reply after reply.
     */
    @Test
    void aReplyMayTakeTheOutboxPastItsLimitOnceAndOneFilledBeyondItClosesTheConnection() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 10, listener);
        outbox.offer(EncodedMessage.of("1234567890"));   // in flight: exactly the limit
        Outbox.Slot large = outbox.reserve();
        Outbox.Slot next = outbox.reserve();
        large.fill("a reply well beyond the limit");
        assertThat(closings).isEmpty();
        next.fill("r");
        assertThat(closings).containsExactly("SLOW_CONSUMER dropping 2");   // the large reply and this one
        sender.complete();
        assertThat(sender.written).containsExactly("1234567890", "close 1008 slow consumer");
    }

    @Test
    void aReplyFilledPastTheLimitWithNothingInFlightClosesTheConnectionAtOnce() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 10, listener);
        Outbox.Slot first = outbox.reserve();
        Outbox.Slot second = outbox.reserve();
        second.fill("a reply well beyond the limit");   // held back behind the first: not in flight
        first.fill("r");
        assertThat(closings).containsExactly("SLOW_CONSUMER dropping 2");
        assertThat(sender.written).containsExactly("close 1008 slow consumer");
    }

    /** The listener hears of every closing, also of one that had nothing queued to drop. */
    @Test
    void aFailedSendWithNothingQueuedIsHeardToo() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        outbox.offer(EncodedMessage.of("a"));
        sender.callbacks.remove(0).done(new IOException("broken pipe"));
        assertThat(closings).containsExactly("SERVER_ERROR dropping 0");
        assertThat(sender.written).containsExactly("a", "abort");
    }

    /** A send that throws is a failed send: while shutting down with a flush, nothing queued is sent after the abort. */
    @Test
    void aSendThatThrowsWhileFlushingDropsTheConnectionAndWhatIsQueued() {
        ManualSender sender = new ManualSender(1);
        Outbox outbox = new Outbox(sender, 1000, listener);
        Outbox.Slot slot = outbox.reserve();
        outbox.offer(EncodedMessage.of("a"));
        outbox.offer(EncodedMessage.of("b"));
        outbox.close(CloseStatus.SHUTTING_DOWN);   // flushes: a and b wait for the reply
        sender.refusal = new IllegalStateException("the connection is broken");
        slot.fill("reply");
        assertThat(sender.written).containsExactly("abort");
        assertThat(closings).containsExactly("SHUTTING_DOWN dropping 0");
    }
}
