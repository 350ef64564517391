package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.Publication;

import java.nio.charset.StandardCharsets;

/**
 * A publication as it travels through Redis pub/sub, written by the publish script: the
 * stream's epoch and the publication's offset, the event name (which the receiving node needs
 * to match patterns), then the frame exactly as subscribers receive it. The frame is encoded
 * once by the publishing node and never decoded as JSON again.
 *
 * <pre>&lt;epoch&gt; '\n' &lt;offset&gt; '\n' &lt;event length in UTF-8 bytes&gt; '\n' &lt;event&gt; &lt;frame&gt;</pre>
 */
final class RedisWireFormat {

    private RedisWireFormat() {
    }

    /** @throws IllegalArgumentException when the bytes are not a publication of this format */
    static Publication decode(byte[] wire) {
        int epochEnd = lineEnd(wire, 0);
        int offsetEnd = lineEnd(wire, epochEnd + 1);
        int lengthEnd = lineEnd(wire, offsetEnd + 1);
        long offset = number(wire, epochEnd + 1, offsetEnd);
        long length = number(wire, offsetEnd + 1, lengthEnd);
        int eventStart = lengthEnd + 1;
        if (epochEnd == 0 || offset < 1 || eventStart + length > wire.length) {
            throw new IllegalArgumentException("not a StreamRPC publication");
        }
        String epoch = new String(wire, 0, epochEnd, StandardCharsets.UTF_8);
        String event = new String(wire, eventStart, (int) length, StandardCharsets.UTF_8);
        int frameStart = eventStart + (int) length;
        byte[] frame = new byte[wire.length - frameStart];
        System.arraycopy(wire, frameStart, frame, 0, frame.length);
        return new Publication(epoch, offset, event, EncodedMessage.ofUtf8(frame));
    }

    private static int lineEnd(byte[] wire, int from) {
        for (int i = from; i < wire.length && i < from + 64; i++) {
            if (wire[i] == '\n') {
                return i;
            }
        }
        throw new IllegalArgumentException("not a StreamRPC publication");
    }

    private static long number(byte[] wire, int from, int to) {
        if (to == from || to - from > 18) {
            throw new IllegalArgumentException("not a StreamRPC publication");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            if (wire[i] < '0' || wire[i] > '9') {
                throw new IllegalArgumentException("not a StreamRPC publication");
            }
            value = value * 10 + (wire[i] - '0');
        }
        return value;
    }
}
