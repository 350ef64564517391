package dev.streamrpc.broker;

import java.nio.charset.StandardCharsets;

/**
 * A frame's JSON text, encoded once and handed unchanged to every subscriber (and, through a
 * distributed broker, to every server). Its UTF-8 form is computed once too: outboxes count
 * it against their byte limit, and senders that can share bytes between connections use it.
 */
public final class EncodedMessage {

    private final String text;
    private final byte[] utf8;

    private EncodedMessage(String text, byte[] utf8) {
        this.text = text;
        this.utf8 = utf8;
    }

    public static EncodedMessage of(String text) {
        return new EncodedMessage(text, text.getBytes(StandardCharsets.UTF_8));
    }

    public static EncodedMessage ofUtf8(byte[] utf8) {
        return new EncodedMessage(new String(utf8, StandardCharsets.UTF_8), utf8);
    }

    public String text() {
        return text;
    }

    /** The UTF-8 bytes; shared, never to be modified. */
    public byte[] utf8() {
        return utf8;
    }

    public int size() {
        return utf8.length;
    }

    @Override
    public String toString() {
        return text;
    }
}
