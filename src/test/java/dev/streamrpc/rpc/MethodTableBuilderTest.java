package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcMethod;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ConversationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.SessionScoped;
import jakarta.inject.Singleton;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

class MethodTableBuilderTest {

    public record Point(int x, int y) {
    }

    public static class Pojo {
        public String name;
    }

    public static class NoDefaultConstructor {
        public NoDefaultConstructor(String required) {
        }
    }

    @SuppressWarnings("unused")
    public static class Good {
        @RpcMethod public void serverInfo() { }
        @RpcMethod("custom.name") public String renamed() { return ""; }
        @RpcMethod public Point record(Point p) { return p; }
        @RpcMethod public Pojo pojo(RpcContext context, Pojo p) { return p; }
        @RpcMethod public Map<String, Object> map(Map<String, Object> m) { return m; }
        @RpcMethod public JsonObject json(JsonObject o) { return o; }
        @RpcMethod public JsonValue value(JsonValue v, RpcContext c) { return v; }
        @RpcMethod(blocking = false) public CompletionStage<String> later() { return null; }
    }

    @SuppressWarnings("unused")
    public static class Bad {
        @RpcMethod public static void staticOne() { }
        @RpcMethod protected void hidden() { }
        @RpcMethod public void twoPayloads(Point a, Point b) { }
        @RpcMethod public void twoContexts(RpcContext a, RpcContext b) { }
        @RpcMethod public void string(String s) { }
        @RpcMethod public void list(List<String> s) { }
        @RpcMethod public void primitive(int i) { }
        @RpcMethod public void noConstructor(NoDefaultConstructor n) { }
        @RpcMethod(" ") public void blank() { }
    }

    @SuppressWarnings("unused")
    public static class Clash {
        @RpcMethod("server_info") public void another() { }
    }

    private static List<RpcCandidate> candidates(Class<?> type) {
        return candidates(type, ApplicationScoped.class);
    }

    private static List<RpcCandidate> candidates(Class<?> type, Class<? extends Annotation> scope) {
        return Arrays.stream(type.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(RpcMethod.class))
                .sorted(java.util.Comparator.comparing(Method::getName))
                .map(m -> new RpcCandidate(null, type, m, scope))
                .toList();
    }

    @Test
    void acceptsEverySupportedSignatureAndNamesEachMethod() {
        MethodTableBuilder.Result result = new MethodTableBuilder().build(candidates(Good.class));
        assertThat(result.problems()).isEmpty();
        assertThat(result.methods()).extracting(MethodDescriptor::name).containsExactlyInAnyOrder(
                "server_info", "custom.name", "record", "pojo", "map", "json", "value", "later");
        MethodDescriptor pojo = result.methods().stream().filter(m -> m.name().equals("pojo")).findFirst().orElseThrow();
        assertThat(pojo.contextIndex()).isZero();
        assertThat(pojo.payloadIndex()).isEqualTo(1);
        assertThat(pojo.payloadType()).isEqualTo(Pojo.class);
        MethodDescriptor later = result.methods().stream().filter(m -> m.name().equals("later")).findFirst().orElseThrow();
        assertThat(later.blocking()).isFalse();
        assertThat(later.payloadIndex()).isEqualTo(-1);
    }

    @Test
    void reportsEachUnsupportedSignatureNamingClassAndMethod() {
        List<String> problems = new MethodTableBuilder().build(candidates(Bad.class)).problems();
        String bad = Bad.class.getName();
        assertThat(problems).containsExactlyInAnyOrder(
                "RPC method " + bad + "#blank has a blank name",
                "RPC method " + bad + "#hidden must be public, so that interceptors apply",
                "RPC method " + bad + "#list has an unsupported payload parameter java.util.List<java.lang.String>: "
                        + "expected a record, a POJO, a Map, or a JsonObject/JsonValue",
                "RPC method " + bad + "#noConstructor has an unsupported payload parameter " + NoDefaultConstructor.class.getName()
                        + ": expected a record, a POJO, a Map, or a JsonObject/JsonValue",
                "RPC method " + bad + "#primitive has an unsupported payload parameter int: "
                        + "expected a record, a POJO, a Map, or a JsonObject/JsonValue",
                "RPC method " + bad + "#staticOne must not be static",
                "RPC method " + bad + "#string has an unsupported payload parameter java.lang.String: "
                        + "expected a record, a POJO, a Map, or a JsonObject/JsonValue",
                "RPC method " + bad + "#twoContexts declares more than one RpcContext parameter",
                "RPC method " + bad + "#twoPayloads declares more than one payload parameter; "
                        + "expected at most one payload and one RpcContext");
    }

    @Test
    void refusesBeansWhoseScopeIsNotActiveDuringAWebSocketMessage() {
        // Such a bean deployed, then its proxy failed every call with ContextNotActiveException.
        for (Class<? extends Annotation> scope : List.of(RequestScoped.class, SessionScoped.class, ConversationScoped.class)) {
            assertThat(new MethodTableBuilder().build(candidates(Clash.class, scope)).problems()).containsExactly(
                    "RPC method " + Clash.class.getName() + "#another is on a @" + scope.getSimpleName()
                            + " bean, whose context is not active during a WebSocket message; use @ApplicationScoped or @Dependent");
        }
        assertThat(new MethodTableBuilder().build(candidates(Clash.class, Dependent.class)).problems()).isEmpty();
        assertThat(new MethodTableBuilder().build(candidates(Clash.class, Singleton.class)).problems()).isEmpty();
    }

    @Test
    void reportsADuplicateNameNamingBothMethods() {
        List<RpcCandidate> both = new java.util.ArrayList<>(candidates(Good.class));
        both.addAll(candidates(Clash.class));
        MethodTableBuilder.Result result = new MethodTableBuilder().build(both);
        assertThat(result.problems()).containsExactly("Duplicate RPC method name 'server_info': "
                + Good.class.getName() + "#serverInfo and " + Clash.class.getName() + "#another");
        assertThat(result.methods()).extracting(MethodDescriptor::name).containsOnlyOnce("server_info");
    }
}
