package dev.streamrpc.pubsub;

import dev.streamrpc.broker.EncodedMessage;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The frames the hub sends on its own: a publication (with and without its offset) and a
 * gap. Public only because JSON-B reads the records reflectively.
 */
public final class Frames {

    /**
     * The frame a subscriber receives. {@code data} is never null here: a JSON null is carried as
     * {@code JsonValue.NULL}, because JSON-B leaves out null properties.
     */
    @JsonbPropertyOrder({"channel", "event", "data"})
    public record Message(String channel, String event, Object data) {
    }

    /** {@code {"channel": ..., "gap": {"from": ..., "to": ...}}}, or with {@code epoch} instead of {@code to}. */
    @JsonbPropertyOrder({"channel", "gap"})
    public record Gap(String channel, Range gap) {
    }

    /** JSON-B leaves out the null one of {@code to} and {@code epoch}. */
    @JsonbPropertyOrder({"from", "to", "epoch"})
    public record Range(long from, Long to, String epoch) {
    }

    private static final byte[] OFFSET = ",\"offset\":".getBytes(StandardCharsets.US_ASCII);

    private Frames() {
    }

    /**
     * The publication's frame with {@code "offset": N} added as its last member: the same
     * bytes, spliced before the closing brace, so the data is never encoded again.
     */
    static EncodedMessage withOffset(EncodedMessage frame, long offset) {
        byte[] plain = frame.utf8();
        byte[] number = Long.toString(offset).getBytes(StandardCharsets.US_ASCII);
        int close = plain.length - 1;   // the frame is a JSON object written by JSON-B: it ends with '}'
        byte[] spliced = Arrays.copyOf(plain, close + OFFSET.length + number.length + 1);
        System.arraycopy(OFFSET, 0, spliced, close, OFFSET.length);
        System.arraycopy(number, 0, spliced, close + OFFSET.length, number.length);
        spliced[spliced.length - 1] = '}';
        return EncodedMessage.ofUtf8(spliced);
    }
}
