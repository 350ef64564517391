package dev.streamrpc.api;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

import java.util.List;

/**
 * What a subscribe with {@code since} recovered: every publication after that position up to
 * the subscription's position whose event matches the pattern, in offset order; or, when that
 * is not possible, why ({@link #EPOCH}, {@link #TRIMMED}, {@link #LIMIT}, {@link #OFF}) and
 * nothing.
 *
 * @param reason null when recovered
 */
public record Recovery(boolean recovered, String reason, List<Publication> publications) {

    /** The stream's history was lost since that position. */
    public static final String EPOCH = "epoch";
    /** Some publication after that position is no longer held. */
    public static final String TRIMMED = "trimmed";
    /** More than {@code stream.history.max-recovery} publications would be sent. */
    public static final String LIMIT = "limit";
    /** History is off. */
    public static final String OFF = "off";

    /** One recovered publication. */
    @JsonbPropertyOrder({"event", "data", "offset"})
    public record Publication(String event, JsonValue data, long offset) {
    }

    public static Recovery recovered(List<Publication> publications) {
        return new Recovery(true, null, List.copyOf(publications));
    }

    public static Recovery lost(String reason) {
        return new Recovery(false, reason, List.of());
    }
}
