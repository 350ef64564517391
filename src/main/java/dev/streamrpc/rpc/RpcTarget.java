package dev.streamrpc.rpc;

import java.lang.reflect.InvocationTargetException;

/**
 * A registered method bound to its bean's contextual reference, so that calls go through
 * the bean's interceptors.
 */
record RpcTarget(MethodDescriptor descriptor, Object reference) {

    RpcTarget {
        // An RPC method is public, but its bean class need not be (CDI proxies package-private
        // classes): reflection would refuse every call from this package.
        descriptor.method().setAccessible(true);
    }

    Object invoke(Object[] arguments) throws Throwable {
        try {
            return descriptor.method().invoke(reference, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
