package dev.streamrpc.broker.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis names of one channel: its pub/sub channel, its stream's meta hash (epoch, offset)
 * and its history stream. All share the hash tag {@code {NAME}}, so on Redis Cluster they
 * live in the channel's slot and one script can touch them all.
 *
 * <p>A name that is empty or starts with {@code }} (a {@code stream.channel-pattern} may allow
 * it) would make that tag empty, and Redis Cluster then hashes each whole name on its own: the
 * three land in different slots and every script on them fails with CROSSSLOT. Such channels
 * are named {@code streamrpc{~}:NAME} instead, all sharing the tag {@code ~}; no other channel's
 * names start that way.
 */
record ChannelKeys(byte[] pubsub, byte[] meta, byte[] history) {

    static final String PREFIX = "streamrpc:{";
    /** For the names an empty hash tag would scatter over the slots. */
    static final String SHARED_TAG_PREFIX = "streamrpc{~}:";

    /**
     * Whether a channel has Redis names: one with a lone surrogate (half a character, which a
     * {@code stream.channel-pattern} such as {@code .{1,200}} lets through) has no UTF-8 form, and
     * encoded with {@code ?} in its place it would take another channel's names.
     */
    static boolean namable(String channel) {
        return channel.codePoints().noneMatch(point -> Character.getType(point) == Character.SURROGATE);
    }

    static ChannelKeys of(String channel) {
        String base = channel.isEmpty() || channel.charAt(0) == '}' ? SHARED_TAG_PREFIX + channel : PREFIX + channel + "}";
        return new ChannelKeys(bytes(base), bytes(base + ":meta"), bytes(base + ":history"));
    }

    /** The channel name inside a pub/sub channel name, or null when it is not one of ours. */
    static String channelOf(byte[] pubsub) {
        String name = new String(pubsub, StandardCharsets.UTF_8);
        if (name.startsWith(SHARED_TAG_PREFIX)) {
            return name.substring(SHARED_TAG_PREFIX.length());
        }
        return name.startsWith(PREFIX) && name.endsWith("}") ? name.substring(PREFIX.length(), name.length() - 1) : null;
    }

    byte[][] all() {
        return new byte[][] {meta, history, pubsub};
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
