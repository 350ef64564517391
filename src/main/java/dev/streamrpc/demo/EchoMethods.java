package dev.streamrpc.demo;

import dev.streamrpc.api.RpcMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;

/** The demo application's method: {@code echo} answers with its payload. */
@ApplicationScoped
public class EchoMethods {

    @RpcMethod(blocking = false)
    public JsonObject echo(JsonObject payload) {
        return payload;
    }
}
