package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.EncodedMessage;

import java.nio.charset.StandardCharsets;

/**
 * A publication as it travels through Redis: the event name, which the receiving node needs
 * to match patterns, then the frame exactly as subscribers receive it. The frame is encoded
 * once by the publishing node and never decoded as JSON again.
 *
 * <pre>&lt;event length in UTF-8 bytes, decimal&gt; '\n' &lt;event&gt; &lt;frame&gt;</pre>
 */
final class RedisWireFormat {

    /** An inbound publication, decoded. */
    record Inbound(String event, EncodedMessage message) {
    }

    private RedisWireFormat() {
    }

    static byte[] encode(String event, EncodedMessage message) {
        byte[] name = event.getBytes(StandardCharsets.UTF_8);
        byte[] length = (name.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = message.utf8();
        byte[] wire = new byte[length.length + name.length + frame.length];
        System.arraycopy(length, 0, wire, 0, length.length);
        System.arraycopy(name, 0, wire, length.length, name.length);
        System.arraycopy(frame, 0, wire, length.length + name.length, frame.length);
        return wire;
    }

    /** @throws IllegalArgumentException when the bytes are not a publication of this format */
    static Inbound decode(byte[] wire) {
        int newline = 0;
        int length = 0;
        while (newline < wire.length && wire[newline] != '\n') {
            byte digit = wire[newline++];
            if (digit < '0' || digit > '9' || newline > 10) {
                throw new IllegalArgumentException("not a StreamRPC publication");
            }
            length = length * 10 + (digit - '0');
        }
        int start = newline + 1;
        if (newline == 0 || newline >= wire.length || start + length > wire.length) {
            throw new IllegalArgumentException("not a StreamRPC publication");
        }
        String event = new String(wire, start, length, StandardCharsets.UTF_8);
        byte[] frame = new byte[wire.length - start - length];
        System.arraycopy(wire, start + length, frame, 0, frame.length);
        return new Inbound(event, EncodedMessage.ofUtf8(frame));
    }
}
