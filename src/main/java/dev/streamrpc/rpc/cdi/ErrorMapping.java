package dev.streamrpc.rpc.cdi;

import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.RpcException;
import dev.streamrpc.api.RpcMethod;
import jakarta.annotation.Priority;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Maps whatever an RPC method throws, or its {@code CompletionStage} fails with, onto the
 * protocol's errors. Expected refusals keep their texts; anything else is logged here and
 * becomes {@code Internal server error}, so nothing of the exception reaches the client.
 * It is the outermost RPC interceptor, so it also covers validation and application
 * interceptors.
 */
@RpcMethod
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class ErrorMapping {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

    @AroundInvoke
    Object map(InvocationContext invocation) throws Exception {
        Object result;
        try {
            result = invocation.proceed();
        } catch (Exception | StackOverflowError e) {
            throw map(invocation.getMethod(), e);
        }
        if (result instanceof CompletionStage<?> stage) {
            // Only the method is kept while the call waits: the invocation holds every argument.
            Method method = invocation.getMethod();
            return stage.handle((value, failure) -> {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    throw new CompletionException(map(method, cause));
                }
                return value;
            });
        }
        return result;
    }

    private static RpcException map(Method method, Throwable failure) {
        if (failure instanceof RpcException rpc) {
            return rpc;
        }
        if (failure instanceof ChannelException channel) {
            return RpcException.invalidParameter(channel.field(), channel.getMessage());
        }
        LOG.error("RPC method {}#{} failed", method.getDeclaringClass().getName(), method.getName(), failure);
        return new RpcException(ErrorTexts.INTERNAL_ERROR);
    }
}
