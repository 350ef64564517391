package dev.streamrpc.pubsub;

import dev.streamrpc.api.ChannelAuthorizer;
import dev.streamrpc.broker.PendingBytes;
import dev.streamrpc.broker.memory.MemoryBroker;
import dev.streamrpc.testing.TestSettings;
import jakarta.json.bind.JsonbBuilder;

/** The hub on the memory broker with the default settings, started without a container: for in-process benchmarks. */
final class InProcessHub {

    private InProcessHub() {
    }

    static SocketsManager start() {
        PendingBytes pending = new PendingBytes(1L << 30);
        SocketsManager manager = new SocketsManager();
        manager.broker = new MemoryBroker(pending, 100, java.time.Duration.ofMinutes(5), 1 << 26);
        manager.jsonb = JsonbBuilder.create();
        manager.settings = TestSettings.of();
        manager.pending = pending;
        manager.start(event -> { }, new ChannelAuthorizer() { });
        return manager;
    }
}
