package dev.streamrpc.discovery;

import dev.streamrpc.api.RpcMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;

import java.util.concurrent.CompletionStage;

/** The built-in method {@code rpc.discover}: the OpenRPC document, written once at start-up. */
@ApplicationScoped
public class DiscoverMethod {

    @Inject
    Discovery discovery;

    @RpcMethod(value = "rpc.discover", blocking = false)
    public CompletionStage<JsonObject> discover() {
        return discovery.openRpc();
    }
}
