package dev.streamrpc.broker;

import dev.streamrpc.broker.memory.MemoryBroker;

class MemoryBrokerContractTest extends BrokerContract {

    @Override
    protected Broker newBroker(PendingBytes pending) {
        return new MemoryBroker(pending);
    }
}
