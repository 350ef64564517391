package dev.streamrpc.rpc;

import java.lang.reflect.Method;
import java.lang.reflect.Type;

/**
 * A checked RPC method: its name, how to fill its parameters, and how to run it.
 *
 * @param payloadIndex the payload parameter's position, or -1
 * @param contextIndex the {@code RpcContext} parameter's position, or -1
 */
public record MethodDescriptor(String name, RpcCandidate candidate, Type payloadType,
                               int payloadIndex, int contextIndex, boolean blocking) {

    public Method method() {
        return candidate.method();
    }

    int parameterCount() {
        return candidate.method().getParameterCount();
    }

    /** {@code com.example.Orders#place}, as deployment errors name it. */
    static String describe(RpcCandidate candidate) {
        return candidate.beanClass().getName() + "#" + candidate.method().getName();
    }
}
