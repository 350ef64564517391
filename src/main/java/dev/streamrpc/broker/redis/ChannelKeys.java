package dev.streamrpc.broker.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis names of one channel: its pub/sub channel, its stream's meta hash (epoch, offset)
 * and its history stream. All share the hash tag {@code {NAME}}, so on Redis Cluster they
 * live in the channel's slot and one script can touch them all.
 */
record ChannelKeys(byte[] pubsub, byte[] meta, byte[] history) {

    static final String PREFIX = "streamrpc:{";

    static ChannelKeys of(String channel) {
        String base = PREFIX + channel + "}";
        return new ChannelKeys(bytes(base), bytes(base + ":meta"), bytes(base + ":history"));
    }

    /** The channel name inside a pub/sub channel name, or null when it is not one of ours. */
    static String channelOf(byte[] pubsub) {
        String name = new String(pubsub, StandardCharsets.UTF_8);
        return name.startsWith(PREFIX) && name.endsWith("}") ? name.substring(PREFIX.length(), name.length() - 1) : null;
    }

    byte[][] all() {
        return new byte[][] {meta, history, pubsub};
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
