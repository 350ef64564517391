package dev.streamrpc.it;

import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.client.RpcError;
import dev.streamrpc.client.StreamClient;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InterceptorBinding;
import jakarta.interceptor.InvocationContext;
import jakarta.validation.constraints.NotBlank;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.net.URL;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** An application's own interceptors run around its RPC methods, inside StreamRPC's. Called through the Java client. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApplicationInterceptorIT {

    @InterceptorBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Shout {
    }

    /** Upper-cases a String result: proof that it ran on the reply's way out. */
    @Shout
    @Interceptor
    @Priority(Interceptor.Priority.APPLICATION)
    public static class ShoutInterceptor {
        @AroundInvoke
        Object shout(InvocationContext invocation) throws Exception {
            return ((String) invocation.proceed()).toUpperCase();
        }
    }

    /** Bound through @RpcMethod itself: runs around every RPC method, and may refuse a call. */
    @RpcMethod
    @Interceptor
    @Priority(Interceptor.Priority.APPLICATION + 10)
    public static class Gate {
        @AroundInvoke
        Object gate(InvocationContext invocation) throws Exception {
            if (invocation.getMethod().getName().equals("closed")) {
                throw new IllegalStateException("gate shut");
            }
            return invocation.proceed();
        }
    }

    @ApplicationScoped
    public static class Greeter {

        public record Greeting(@NotBlank String name) {
        }

        @Shout
        @RpcMethod("greet")
        public String hello(Greeting greeting, RpcContext context) {
            return "hello " + greeting.name() + " from " + (context.connectionId().isEmpty() ? "?" : "connection");
        }

        @RpcMethod
        public String closed() {
            return "never";
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("interceptors",
                Shout.class, ShoutInterceptor.class, Gate.class, Greeter.class, Greeter.Greeting.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void theApplicationInterceptorRunsAroundItsMethod() {
        try (StreamClient client = StreamClient.connect(Endpoints.stream(base))) {
            assertThat(client.call("greet", Map.of("name", "ada"), String.class).join()).isEqualTo("HELLO ADA FROM CONNECTION");
        }
    }

    @Test
    void validationRunsBeforeTheApplicationInterceptor() {
        try (StreamClient client = StreamClient.connect(Endpoints.stream(base))) {
            assertThat(refusal(client.call("greet", Map.of())).errors()).containsExactly(Map.entry("name", "required"));
        }
    }

    @Test
    void anInterceptorBoundToRpcMethodCoversEveryMethodAndItsFailureIsMapped() {
        try (StreamClient client = StreamClient.connect(Endpoints.stream(base))) {
            assertThat(refusal(client.call("closed", null)).message()).isEqualTo("Internal server error");
        }
    }

    private static RpcError refusal(CompletableFuture<?> call) {
        Throwable thrown = catchThrowable(call::join);
        assertThat(thrown).hasCauseInstanceOf(RpcError.class);
        return (RpcError) thrown.getCause();
    }
}
