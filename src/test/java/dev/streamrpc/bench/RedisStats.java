package dev.streamrpc.bench;

import dev.streamrpc.testing.RedisInfo;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import java.time.Duration;

/**
 * Figures read from one Redis node over a plain Lettuce connection of the generator's own
 * (not the servers'): CPU time and memory from {@code INFO}, a key's size from {@code MEMORY USAGE}.
 */
final class RedisStats implements AutoCloseable {

    private final RedisClient client;
    private final RedisCommands<String, String> commands;

    private RedisStats(RedisClient client) {
        this.client = client;
        this.commands = client.connect().sync();
    }

    /** A connection to the Redis at this URI ({@code redis://:password@host:port}). */
    static RedisStats connect(String uri) {
        return new RedisStats(RedisClient.create(uri));
    }

    RedisCommands<String, String> commands() {
        return commands;
    }

    /** CPU seconds the node has used, all its threads: {@code used_cpu_sys + used_cpu_user}. */
    static double cpuSeconds(RedisCommands<String, String> redis) {
        String info = redis.info("cpu");
        return RedisInfo.number(info, "used_cpu_sys") + RedisInfo.number(info, "used_cpu_user");
    }

    /** {@code pubsub_channels}: the channels with at least one subscriber, over every client of the node. */
    static long pubsubChannels(RedisCommands<String, String> redis) {
        return (long) RedisInfo.number(redis.info("stats"), "pubsub_channels");
    }

    /** {@code used_memory}: bytes the node's allocator holds for data and its own structures. */
    static long usedMemory(RedisCommands<String, String> redis) {
        return (long) RedisInfo.number(redis.info("memory"), "used_memory");
    }

    /**
     * {@code MEMORY USAGE key SAMPLES 0}: the key's bytes with every element of a stream or hash
     * counted (the default estimates from 5); 0 when there is no such key.
     */
    static long memoryUsage(RedisCommands<String, String> redis, String key) {
        Long bytes = redis.dispatch(CommandType.MEMORY, new IntegerOutput<>(StringCodec.UTF8),
                new CommandArgs<>(StringCodec.UTF8).add("USAGE").addKey(key).add("SAMPLES").add(0));
        return bytes == null ? 0 : bytes;
    }

    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
