package dev.streamrpc.rpc.cdi;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.rpc.RpcNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counts RPC calls and errors and times them, by RPC method name (a bounded set: only
 * registered methods reach an interceptor). It sits just inside {@link ErrorMapping}, so it
 * sees every failure, validation refusals included, and times a {@code CompletionStage} to
 * its completion.
 */
@RpcMethod
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 50)
public class RpcMetrics {

    /** The meters of one method. */
    private record Meters(Timer ok, Timer failed, Counter errors) {
    }

    @Inject
    MeterRegistry registry;

    private final Map<Method, Meters> meters = new ConcurrentHashMap<>();

    @AroundInvoke
    Object measure(InvocationContext invocation) throws Exception {
        Meters method = meters.computeIfAbsent(invocation.getMethod(), this::metersOf);
        long start = System.nanoTime();
        Object result;
        try {
            result = invocation.proceed();
        } catch (Exception | StackOverflowError e) {
            record(method, start, e);
            throw e;
        }
        if (result instanceof CompletionStage<?> stage) {
            return stage.whenComplete((value, failure) -> record(method, start, failure));
        }
        record(method, start, null);
        return result;
    }

    private static void record(Meters method, long start, Throwable failure) {
        long elapsed = System.nanoTime() - start;
        if (failure == null) {
            method.ok().record(elapsed, TimeUnit.NANOSECONDS);
        } else {
            method.failed().record(elapsed, TimeUnit.NANOSECONDS);
            method.errors().increment();
        }
    }

    private Meters metersOf(Method method) {
        String name = RpcNames.of(method);
        return new Meters(timer(name, "ok"), timer(name, "error"),
                Counter.builder("streamrpc.rpc.errors").description("RPC calls that failed or were refused")
                        .tag("method", name).register(registry));
    }

    private Timer timer(String name, String outcome) {
        return Timer.builder("streamrpc.rpc.calls").description("RPC calls by method and outcome")
                .tag("method", name).tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
    }
}
