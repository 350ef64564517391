package dev.streamrpc.api;

import java.security.Principal;
import java.util.Optional;

/**
 * The calling connection, given to an RPC method that declares a parameter of this type.
 */
public interface RpcContext {

    /** The connection's id, unique on this server. */
    String connectionId();

    /** The principal the connection authenticated as, if any. */
    Optional<Principal> principal();

    /** This connection's view of the {@code SocketsManager}: its subscriptions, and publishing. */
    ConnectionChannels channels();
}
