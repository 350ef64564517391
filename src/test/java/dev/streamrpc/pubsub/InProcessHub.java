package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelAuthorizer;
import dev.streamrpc.broker.Broker;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.memory.MemoryBroker;
import dev.streamrpc.testing.TestSettings;
import jakarta.json.bind.JsonbBuilder;

import java.time.Duration;
import java.util.function.Consumer;

/** The hub started without a container, on a broker of the test's choosing: for in-process tests and benchmarks. */
final class InProcessHub {

    private InProcessHub() {
    }

    /** On the memory broker with the default settings. */
    static SocketsManager start() {
        PendingBytes pending = new PendingBytes(1L << 30);
        return start(new MemoryBroker(pending, 100, Duration.ofMinutes(5), 1 << 26), pending, event -> { });
    }

    /**
     * @param pending  the bytes budget {@code broker} charges, which the hub releases
     * @param events   where the lifecycle events go
     * @param settings {@code key=value} over the defaults
     */
    static SocketsManager start(Broker broker, PendingBytes pending, Consumer<Object> events, String... settings) {
        SocketsManager manager = new SocketsManager();
        manager.broker = broker;
        manager.jsonb = JsonbBuilder.create();
        manager.settings = TestSettings.of(settings);
        manager.pending = pending;
        manager.start(events, new ChannelAuthorizer() { });
        return manager;
    }
}
