package dev.streamrpc.api;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a CDI bean as an RPC method reachable over {@code /stream}.
 *
 * <p>The method may declare at most one payload parameter (a record, a POJO, a {@code Map},
 * or a {@code JsonObject}/{@code JsonValue}), bound from the request's {@code payload} by
 * JSON-B and validated with Bean Validation, and at most one {@link RpcContext} parameter.
 * It may return any JSON-B-serialisable value, {@code void}, or a {@code CompletionStage} of
 * a value. Methods must be public and not static, so that interceptors apply.
 *
 * <p>{@code @RpcMethod} is also an interceptor binding: an application interceptor annotated
 * with it runs around every RPC method. The members are not binding.
 */
@Documented
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RpcMethod {

    /** The RPC name; empty means the Java method name in snake_case ({@code serverInfo} is {@code server_info}). */
    @Nonbinding
    String value() default "";

    /**
     * Whether the method may block. A blocking method (the default) runs on the RPC worker
     * pool, so it never holds up other connections and its reply may overtake earlier ones.
     * A non-blocking method runs on the thread that read the request, in the order requests
     * arrive, and its reply reaches the client before anything delivered to the connection
     * after the method returns (for a method that subscribes the connection: after that
     * subscription takes effect, see {@link ConnectionChannels#subscribe}). Declare
     * {@code blocking = false} only for methods that return quickly and never wait.
     */
    @Nonbinding
    boolean blocking() default true;
}
