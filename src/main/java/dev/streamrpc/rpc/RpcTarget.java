package dev.streamrpc.rpc;

import java.lang.reflect.InvocationTargetException;

/**
 * A registered method bound to its bean's contextual reference, so that calls go through
 * the bean's interceptors.
 */
record RpcTarget(MethodDescriptor descriptor, Object reference) {

    Object invoke(Object[] arguments) throws Throwable {
        try {
            return descriptor.method().invoke(reference, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
