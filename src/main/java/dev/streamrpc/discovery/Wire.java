package dev.streamrpc.discovery;

import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/**
 * The wire shapes of the built-in methods and of pushed messages, as PROTOCOL.md sections 4
 * and 7 define them, written as types so that their schemas are generated like the
 * application's. The built-in methods bind their payloads more loosely ({@code JsonValue}),
 * so that a wrong type gets the protocol's own error; these types say what a client must send.
 */
final class Wire {

    private Wire() {
    }

    static final String CHANNEL = "A channel name the server allows (by default 1 to 200 characters of a-z, 0-9, _, -, . and :)";
    static final String PATTERN = "An event pattern (Redis PSUBSCRIBE glob: *, ?, [abc], [^abc], [a-z], \\x); default *";

    /** A point in a channel's stream (version 2). */
    record Position(
            @Doc(value = "Changes whenever the channel's history is lost", example = "\"k3f9\"") @NotNull String epoch,
            @Doc(value = "The offset of a publication; 0 before the first", example = "41") @Min(0) long offset) {
    }

    /** The payload of {@code subscribe}. */
    record Subscribe(
            @Doc(value = CHANNEL, example = "\"prices\"") @NotNull String channel,
            @Doc(value = PATTERN, example = "\"*\"") @Size(max = 256) String event,
            @Doc("Version 2: answer with the channel's position, and give each message on the channel its offset")
            Boolean position,
            @Doc("Version 2: also recover what this pattern missed after this position (implies position)")
            Position since) {
    }

    /** The payload of {@code unsubscribe}. */
    record Unsubscribe(
            @Doc(value = CHANNEL, example = "\"prices\"") @NotNull String channel,
            @Doc(value = PATTERN, example = "\"*\"") @Size(max = 256) String event) {
    }

    /** Why a recovery failed (version 2). */
    enum RecoveryFailure { epoch, trimmed, limit, off }

    /** A publication sent again by a recovery (version 2). */
    @JsonbPropertyOrder({"event", "data", "offset"})
    record Recovered(@NotNull String event, @NotNull JsonValue data, @Min(1) long offset) {
    }

    /** The reply to {@code subscribe} and {@code unsubscribe}. */
    record Subscribed(
            @Doc("All of this connection's subscriptions: channels and their patterns, in the order subscribed")
            @NotNull Map<String, List<String>> subscribed,
            @Doc("Version 2, with position or since: the channel's current position") Position position,
            @Doc("Version 2, with since: whether everything since that position was recovered") Boolean recovered,
            @Doc("Version 2, when recovered is false: why") RecoveryFailure reason,
            @Doc("Version 2, with since: the missed publications matching the pattern, in offset order")
            List<Recovered> publications) {
    }

    /** The payload of {@code publish}. */
    record Publish(
            @Doc(value = CHANNEL, example = "\"prices\"") @NotNull String channel,
            @Doc(value = "A plain event name (not a pattern); none when absent or null", example = "\"trade.btc\"")
            @Size(max = 256) String event,
            @Doc(value = "Any JSON value, null included; it must be present", example = "{\"price\": 42}")
            @NotNull JsonValue data) {
    }

    /** The reply to {@code publish}: what was published. */
    record Published(@NotNull String channel, @Doc(value = "null when none was given", nullable = true) String event, @NotNull JsonValue data) {
    }

    /** The {@code error} member of an error reply. */
    record ErrorBody(
            @Doc(value = "One of the protocol's fixed texts", example = "\"Invalid RPC parameters\"") @NotNull String message,
            @Doc(value = "Field errors, by payload key; absent when there are none", example = "{\"channel\": \"required\"}")
            Map<String, String> errors) {
    }

    /** Offsets a positioned subscriber will never receive (version 2). */
    record GapRange(
            @Doc("The first missing offset") @Min(1) long from,
            @Doc("The last missing offset; absent when the epoch changed") Long to,
            @Doc("The channel's new epoch, when its history was lost") String epoch) {
    }

    /** The message that reports a gap on a channel (version 2). */
    record Gap(@NotNull String channel, @NotNull GapRange gap) {
    }
}
