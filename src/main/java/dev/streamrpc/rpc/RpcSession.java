package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcContext;

/**
 * The connection a request came from, as the dispatcher sees it.
 */
public interface RpcSession extends RpcContext {

    /** Queues a reply; never blocks. */
    void send(String reply);

    /** Whether the connection may make another request now (its rate limit); called once per request. */
    boolean admit();

    /**
     * Reserves the next place in this connection's outbound order. Nothing queued after the
     * reservation is sent until the slot is filled or released, so a reply written into it
     * reaches the client first.
     */
    ReplySlot reserve();

    /** A reserved place in the outbound order. */
    interface ReplySlot {

        /** Puts the reply in its place and lets what waits behind it go. */
        void fill(String reply);

        /** Gives the place up empty. */
        void release();
    }
}
