package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcContext;

/**
 * The connection a request came from, as the dispatcher sees it: where replies go. RPC
 * methods get only its {@link #context()}, which offers nothing of this.
 */
public interface Caller {

    /** What an RPC method sees of this connection. */
    RpcContext context();

    /** Queues a reply; never blocks. */
    void send(String reply);

    /** Whether the connection may make another request now (its rate limit); called once per request. */
    boolean admit();

    /**
     * Reserves the next place in this connection's outbound order. Nothing queued after the
     * reservation is sent until the slot is filled, so a reply written into it reaches the
     * client first.
     */
    ReplySlot reserve();

    /** A reserved place in the outbound order. */
    interface ReplySlot {

        /** Puts the reply in its place and lets what waits behind it go. */
        void fill(String reply);
    }
}
