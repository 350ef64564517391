package dev.streamrpc.broker;

import java.nio.charset.StandardCharsets;

/**
 * A frame's JSON, encoded once and handed unchanged to every subscriber (and, through a
 * distributed broker, to every server). Its UTF-8 bytes are what outboxes count against
 * their limit and what Jetty's send path writes; its text is made only when a sender needs
 * it (the portable Jakarta path), once.
 */
public final class EncodedMessage {

    private final byte[] utf8;
    private String text;   // racy single check: any thread may compute it, all get equal strings

    private EncodedMessage(String text, byte[] utf8) {
        this.text = text;
        this.utf8 = utf8;
    }

    public static EncodedMessage of(String text) {
        return new EncodedMessage(text, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Wraps UTF-8 bytes without copying; they must not be modified afterwards. */
    public static EncodedMessage ofUtf8(byte[] utf8) {
        return new EncodedMessage(null, utf8);
    }

    public String text() {
        String known = text;
        if (known == null) {
            known = new String(utf8, StandardCharsets.UTF_8);
            text = known;
        }
        return known;
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
        return text();
    }
}
