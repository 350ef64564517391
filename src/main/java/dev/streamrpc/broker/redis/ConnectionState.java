package dev.streamrpc.broker.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Follows the Redis connections and logs once per change of state (lost, restored), never
 * once per message or per reconnect attempt.
 */
final class ConnectionState implements RedisConnectionStateListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionState.class);

    private final AtomicBoolean up = new AtomicBoolean();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean started;

    void connected() {
        started = true;
        up.set(true);
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
        if (started && up.compareAndSet(false, true)) {
            reconnects.incrementAndGet();
            LOG.info("Redis connection restored ({}); channel subscriptions are restored with it", address);
        }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
        if (started && up.compareAndSet(true, false)) {
            LOG.warn("Redis connection lost; publishing fails until it is back, reconnecting with backoff");
        }
    }

    long reconnects() {
        return reconnects.get();
    }

    @Override
    public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
        LOG.debug("Redis connection error", cause);
    }
}
