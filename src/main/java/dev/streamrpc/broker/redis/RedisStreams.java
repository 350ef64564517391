package dev.streamrpc.broker.redis;

import dev.streamrpc.broker.EncodedMessage;
import dev.streamrpc.broker.History;
import dev.streamrpc.broker.Publication;
import dev.streamrpc.broker.StreamState;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Channels' streams kept in Redis, shared by every server: the publish script (offset,
 * history entry and pub/sub message in one step) and the history script (state, and the
 * publications held after an offset). Used by the single-Redis broker; the scripts name all
 * their keys, so they run unchanged on the shard that owns a channel's slot.
 */
final class RedisStreams {

    private static final RedisScript PUBLISH = RedisScript.load("publish.lua", ScriptOutputType.INTEGER);
    private static final RedisScript HISTORY = RedisScript.load("history.lua", ScriptOutputType.MULTI);

    private final byte[] size;
    private final byte[] ttl;
    private final byte[] publishCommand;

    /** @param publishCommand {@code PUBLISH}, or {@code SPUBLISH} on a cluster */
    RedisStreams(int historySize, Duration ttl, String publishCommand) {
        this.size = RedisScript.utf8(Integer.toString(historySize));
        this.ttl = RedisScript.utf8(Long.toString(ttl.toMillis()));
        this.publishCommand = RedisScript.utf8(publishCommand);
    }

    /** Stores and publishes; completes with the publication's offset once Redis has both. */
    CompletionStage<Long> publish(RedisScriptingAsyncCommands<byte[], byte[]> commands, String channel, String event,
                                  EncodedMessage message) {
        return PUBLISH.run(commands, ChannelKeys.of(channel).all(),
                newEpoch(), RedisScript.utf8(event), message.utf8(), size, ttl, publishCommand);
    }

    CompletionStage<History> history(RedisScriptingAsyncCommands<byte[], byte[]> commands, String channel, long after, int limit) {
        return read(commands, List.of(channel), after, limit).thenApply(RedisStreams::history);
    }

    /** The states of several channels' streams, in their order, read by one script: all their keys must be in one Redis (or one slot). */
    CompletionStage<List<StreamState>> states(RedisScriptingAsyncCommands<byte[], byte[]> commands, List<String> channels) {
        return read(commands, channels, 0, 0).thenApply(reply -> {
            List<StreamState> states = new ArrayList<>(channels.size());
            for (int i = 0; i < channels.size(); i++) {
                states.add(state(reply, i));
            }
            return states;
        });
    }

    private CompletionStage<List<Object>> read(RedisScriptingAsyncCommands<byte[], byte[]> commands, List<String> channels,
                                               long after, int limit) {
        byte[][] keys = new byte[channels.size() * 2][];
        byte[][] arguments = new byte[4 + channels.size()][];
        arguments[0] = RedisScript.utf8(Long.toString(after));
        arguments[1] = RedisScript.utf8(Integer.toString(limit));
        arguments[2] = ttl;
        arguments[3] = publishCommand;   // tells the script whether it runs on a cluster
        for (int i = 0; i < channels.size(); i++) {
            ChannelKeys names = ChannelKeys.of(channels.get(i));
            keys[i * 2] = names.meta();
            keys[i * 2 + 1] = names.history();
            arguments[4 + i] = newEpoch();
        }
        return HISTORY.run(commands, keys, arguments);
    }

    private static History history(List<Object> reply) {
        StreamState state = state(reply, 0);
        List<Publication> held = new ArrayList<>((reply.size() - 2) / 3);
        for (int i = 2; i + 2 < reply.size(); i += 3) {
            held.add(new Publication(state.epoch(), Long.parseLong(text(reply.get(i))), text(reply.get(i + 1)),
                    EncodedMessage.ofUtf8((byte[]) reply.get(i + 2))));
        }
        return new History(state, held);
    }

    /** The {@code stream}th state of a reply. */
    private static StreamState state(List<Object> reply, int stream) {
        return new StreamState(text(reply.get(stream * 2)), Long.parseLong(text(reply.get(stream * 2 + 1))));
    }

    private static String text(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }

    /** Used by the scripts only when the stream has no epoch yet; unique enough per channel. */
    private static byte[] newEpoch() {
        return RedisScript.utf8(Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36));
    }
}
