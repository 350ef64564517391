package dev.streamrpc.it;

import dev.streamrpc.api.ChannelException;
import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InterceptorBinding;
import jakarta.interceptor.InvocationContext;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.validation.constraints.NotBlank;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application's own interceptors run around its RPC methods, in {@code @Priority} order,
 * inside StreamRPC's: payload validation before them, error mapping around them all. The
 * fixture's interceptors and method write what they do to a trace that the {@code trace}
 * RPC method reads, so the order is observed, not assumed.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApplicationInterceptorIT {

    /** What the fixture's interceptors and methods did, in order; {@code trace} reads and clears it. */
    @ApplicationScoped
    public static class Trace {
        private final List<String> entries = new CopyOnWriteArrayList<>();

        void add(String entry) {
            entries.add(entry);
        }

        @RpcMethod("trace")
        public List<String> drain() {
            List<String> taken = List.copyOf(entries);
            entries.removeAll(taken);
            return taken;
        }
    }

    @InterceptorBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Traced {
    }

    @InterceptorBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    public @interface Shout {
    }

    /** The application interceptor with the lower priority: it should run first, outside {@link ShoutInterceptor}. */
    @Traced
    @Interceptor
    @Priority(Interceptor.Priority.APPLICATION)
    public static class OuterInterceptor {
        @Inject
        Trace trace;

        @AroundInvoke
        Object around(InvocationContext invocation) throws Exception {
            trace.add("outer in");
            Object result = invocation.proceed();
            trace.add("outer out");
            return result;
        }
    }

    /** Upper-cases a String result: proof that it ran on the reply's way out. */
    @Shout
    @Interceptor
    @Priority(Interceptor.Priority.APPLICATION + 10)
    public static class ShoutInterceptor {
        @Inject
        Trace trace;

        @AroundInvoke
        Object shout(InvocationContext invocation) throws Exception {
            trace.add("shout in");
            String result = ((String) invocation.proceed()).toUpperCase();
            trace.add("shout out");
            return result;
        }
    }

    /**
     * Bound through @RpcMethod itself: runs around every RPC method, and refuses two of them,
     * one with an unexpected exception and one with a channel refusal.
     */
    @RpcMethod
    @Interceptor
    @Priority(Interceptor.Priority.APPLICATION + 20)
    public static class Gate {
        @AroundInvoke
        Object gate(InvocationContext invocation) throws Exception {
            switch (invocation.getMethod().getName()) {
                case "closed" -> throw new IllegalStateException("gate shut");
                case "guarded" -> throw new ChannelException("channel", "Not allowed");
                default -> {
                    return invocation.proceed();
                }
            }
        }
    }

    @Traced
    @ApplicationScoped
    public static class Greeter {

        public record Greeting(@NotBlank String name) {
        }

        @Inject
        Trace trace;

        @Shout
        @RpcMethod("greet")
        public String hello(Greeting greeting, RpcContext context) {
            trace.add("greet " + greeting.name());
            return "hello " + greeting.name() + " from " + (context.connectionId().isEmpty() ? "?" : "connection");
        }

        @RpcMethod
        public String closed() {
            trace.add("closed");
            return "never";
        }

        @RpcMethod
        public String guarded() {
            trace.add("guarded");
            return "never";
        }
    }

    /** Not public, as a bean class need not be: its public RPC method is called all the same, through its interceptors. */
    @Traced
    @ApplicationScoped
    static class Whisperer {
        @Inject
        Trace trace;

        @Shout
        @RpcMethod
        public String whisper(Greeter.Greeting greeting) {
            trace.add("whisper " + greeting.name());
            return "psst " + greeting.name();
        }
    }

    /**
     * Not public either, and {@code @Dependent}: the registry holds one instance (of its
     * intercepted subclass) for the life of the application, shared by its methods.
     */
    @Dependent
    static class Murmurer {
        private final AtomicInteger count = new AtomicInteger();

        @RpcMethod
        public String murmur() {
            count.incrementAndGet();
            return "mm";
        }

        @RpcMethod
        public int murmured() {
            return count.get();
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("interceptors", Trace.class, Traced.class, OuterInterceptor.class,
                Shout.class, ShoutInterceptor.class, Gate.class, Greeter.class, Greeter.Greeting.class, Whisperer.class, Murmurer.class);
    }

    @ArquillianResource
    URL base;

    /** A reply, and what the fixture did to produce it. */
    private record Outcome(JsonObject reply, List<String> trace) {
        JsonObject error() {
            return reply.getJsonObject("error");
        }
    }

    /** Calls {@code method} on a new connection; the trace is read before and after the call. */
    private Outcome call(String method, String payloadJson) {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            trace(client);
            JsonObject reply = client.call(method, payloadJson);
            return new Outcome(reply, trace(client));
        }
    }

    /** What the fixture did since the last call, read through the {@code trace} RPC method. */
    private static List<String> trace(WsClient client) {
        return client.call("trace", "{}").getJsonArray("response").getValuesAs(JsonString.class).stream()
                .map(JsonString::getString).toList();
    }

    @Test
    void applicationInterceptorsRunAroundTheMethodInPriorityOrder() {
        Outcome greet = call("greet", "{\"name\":\"ada\"}");
        assertThat(greet.reply().getString("response")).isEqualTo("HELLO ADA FROM CONNECTION");
        assertThat(greet.trace()).containsExactly("outer in", "shout in", "greet ada", "shout out", "outer out");
    }

    @Test
    void aPublicMethodOfABeanClassThatIsNotPublicIsCalledThroughItsInterceptors() {
        // Reflection refused the call from the dispatcher's package: every call was Internal server error.
        Outcome whisper = call("whisper", "{\"name\":\"ada\"}");
        assertThat(whisper.reply().get("response")).as(whisper.reply().toString()).isEqualTo(Json.createValue("PSST ADA"));
        assertThat(whisper.trace()).containsExactly("outer in", "shout in", "whisper ada", "shout out", "outer out");
        assertThat(call("whisper", "{}").error()).isEqualTo(WsClient.parse(
                "{\"message\":\"Invalid RPC parameters\",\"errors\":{\"name\":\"required\"}}"));
        assertThat(call("murmur", "{}").reply().get("response")).isEqualTo(Json.createValue("mm"));
    }

    @Test
    void theMethodsOfADependentBeanShareItsOneInstance() {
        // Each method used to get an instance of its own: murmured never saw a murmur.
        int before = call("murmured", "{}").reply().getInt("response");
        call("murmur", "{}");
        call("murmur", "{}");
        assertThat(call("murmured", "{}").reply().getInt("response")).isEqualTo(before + 2);
    }

    @Test
    void anInvalidPayloadIsRefusedBeforeTheApplicationInterceptorsRun() {
        Outcome greet = call("greet", "{}");
        assertThat(greet.error()).isEqualTo(WsClient.parse(
                "{\"message\":\"Invalid RPC parameters\",\"errors\":{\"name\":\"required\"}}"));
        assertThat(greet.trace()).isEmpty();
    }

    @Test
    void anApplicationInterceptorsFailureBecomesInternalServerError() {
        Outcome closed = call("closed", "{}");
        assertThat(closed.error()).isEqualTo(WsClient.parse("{\"message\":\"Internal server error\"}"));
        assertThat(closed.trace()).containsExactly("outer in");
    }

    @Test
    void errorMappingIsOutermostSoItMapsARefusalThrownByAnApplicationInterceptor() {
        // Only the error-mapping interceptor turns a ChannelException into a field error; were it
        // inside the application's interceptors, the dispatcher's last guard would answer
        // Internal server error instead.
        Outcome guarded = call("guarded", "{}");
        assertThat(guarded.error()).isEqualTo(WsClient.parse(
                "{\"message\":\"Invalid RPC parameters\",\"errors\":{\"channel\":\"Not allowed\"}}"));
        assertThat(guarded.trace()).containsExactly("outer in");
    }
}
