package dev.streamrpc.transport;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.rpc.RpcSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {

    /** A sender whose writes complete when the test says so. */
    static final class ManualSender implements Outbox.Sender {
        final List<String> written = new ArrayList<>();
        Outbox.SendDone pending;

        @Override
        public void send(EncodedMessage message, boolean more, Outbox.SendDone done) {
            written.add(message.text());
            pending = done;
        }

        void complete() {
            Outbox.SendDone done = pending;
            pending = null;
            done.done(null);
        }
    }

    private final AtomicInteger overflows = new AtomicInteger();

    @Test
    void oneSendIsInFlightAtATimeAndTheRestFollowInOrder() {
        ManualSender sender = new ManualSender();
        Outbox outbox = new Outbox(sender, 1000, dropped -> overflows.incrementAndGet());
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
        List<String> sent = new ArrayList<>();
        List<Outbox.SendDone> callbacks = new ArrayList<>();
        Outbox.Sender batching = new Outbox.Sender() {
            @Override
            public void send(EncodedMessage message, boolean more, Outbox.SendDone done) {
                sent.add(message.text() + (more ? "+" : "."));
                callbacks.add(done);
            }

            @Override
            public int maxBatch() {
                return 3;
            }
        };
        Outbox outbox = new Outbox(batching, 1000, dropped -> overflows.incrementAndGet());
        RpcSession.ReplySlot slot = outbox.reserve();
        for (String text : List.of("a", "b", "c", "d")) {
            outbox.offer(EncodedMessage.of(text));
        }
        slot.fill("r");
        assertThat(sent).containsExactly("r+", "a+", "b.");
        assertThat(callbacks.get(0)).isNull();
        callbacks.get(2).done(null);
        assertThat(sent).containsExactly("r+", "a+", "b.", "c+", "d.");
    }

    @Test
    void aReservedSlotHoldsBackWhatWasQueuedAfterIt() {
        ManualSender sender = new ManualSender();
        Outbox outbox = new Outbox(sender, 1000, dropped -> overflows.incrementAndGet());
        RpcSession.ReplySlot slot = outbox.reserve();
        outbox.offer(EncodedMessage.of("message"));
        assertThat(sender.written).isEmpty();
        slot.fill("reply");
        sender.complete();
        assertThat(sender.written).containsExactly("reply", "message");
    }

    @Test
    void aReleasedSlotLetsTheRestGo() {
        ManualSender sender = new ManualSender();
        Outbox outbox = new Outbox(sender, 1000, dropped -> overflows.incrementAndGet());
        RpcSession.ReplySlot slot = outbox.reserve();
        outbox.offer(EncodedMessage.of("message"));
        slot.release();
        assertThat(sender.written).containsExactly("message");
    }

    @Test
    void overflowingTheByteLimitDropsTheQueueAndReportsOnce() {
        ManualSender sender = new ManualSender();
        Outbox outbox = new Outbox(sender, 10, dropped -> overflows.incrementAndGet());
        outbox.offer(EncodedMessage.of("12345"));      // in flight
        outbox.offer(EncodedMessage.of("12345"));      // queued: 5 bytes
        outbox.offer(EncodedMessage.of("123456"));     // 11 bytes: overflow
        outbox.offer(EncodedMessage.of("1"));          // ignored after the overflow
        assertThat(overflows).hasValue(1);
        assertThat(outbox.queuedBytes()).isZero();
        sender.complete();
        assertThat(sender.written).containsExactly("12345");
    }

    @Test
    void bytesAreCountedInUtf8() {
        ManualSender sender = new ManualSender();
        Outbox outbox = new Outbox(sender, 10, dropped -> overflows.incrementAndGet());
        outbox.offer(EncodedMessage.of("x"));
        outbox.offer(EncodedMessage.of("ééééé"));      // 5 characters, 10 bytes
        assertThat(outbox.queuedBytes()).isEqualTo(10);
        assertThat(overflows).hasValue(0);
        outbox.offer(EncodedMessage.of("é"));
        assertThat(overflows).hasValue(1);
    }

    @Test
    void sendsThatCompleteOnTheCallingThreadDoNotGrowTheStack() {
        List<String> written = new ArrayList<>();
        Outbox outbox = new Outbox((message, more, done) -> {
            written.add(message.text());
            done.done(null);
        }, 1 << 30, dropped -> overflows.incrementAndGet());
        RpcSession.ReplySlot slot = outbox.reserve();
        for (int i = 0; i < 200_000; i++) {
            outbox.offer(EncodedMessage.of("m"));
        }
        slot.fill("first");
        assertThat(written).hasSize(200_001);
        assertThat(written.get(0)).isEqualTo("first");
    }
}
