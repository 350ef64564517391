package dev.streamrpc.broker;

/**
 * One shard of a sharded broker (a Redis Cluster master), as health reports show it.
 *
 * @param node the node's id
 * @param address {@code host:port}
 * @param slots how many of the 16,384 hash slots it owns
 * @param connected whether this server's subscription connection to it is up
 * @param channels how many of this server's channels are subscribed on it
 */
public record Shard(String node, String address, int slots, boolean connected, int channels) {
}
