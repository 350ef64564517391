package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcContext;
import dev.streamrpc.api.RpcMethod;
import jakarta.enterprise.context.ConversationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.context.SessionScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.bind.annotation.JsonbCreator;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the {@code @RpcMethod} declarations found at deployment and names each one. It is a
 * plain class so that the rules can be tested without a container; the CDI extension only
 * collects candidates and reports the problems found here as definition errors.
 */
public final class MethodTableBuilder {

    /** The checked methods, and one message per bad declaration (each naming class and method). */
    public record Result(List<MethodDescriptor> methods, List<String> problems) {
    }

    public Result build(List<RpcCandidate> candidates) {
        List<MethodDescriptor> methods = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, RpcCandidate> byName = new HashMap<>();
        for (RpcCandidate candidate : candidates) {
            String problem = scopeProblem(candidate.scope());
            if (problem == null) {
                problem = signatureProblem(candidate.method());
            }
            if (problem != null) {
                problems.add("RPC method " + MethodDescriptor.describe(candidate) + " " + problem);
                continue;
            }
            MethodDescriptor descriptor = describe(candidate);
            RpcCandidate previous = byName.putIfAbsent(descriptor.name(), candidate);
            if (previous != null) {
                problems.add("Duplicate RPC method name '" + descriptor.name() + "': "
                        + MethodDescriptor.describe(previous) + " and " + MethodDescriptor.describe(candidate));
                continue;
            }
            methods.add(descriptor);
        }
        return new Result(List.copyOf(methods), List.copyOf(problems));
    }

    private static MethodDescriptor describe(RpcCandidate candidate) {
        Method method = candidate.method();
        RpcMethod annotation = method.getAnnotation(RpcMethod.class);
        String name = RpcNames.of(method);
        Type[] types = method.getGenericParameterTypes();
        int payloadIndex = -1;
        int contextIndex = -1;
        for (int i = 0; i < types.length; i++) {
            if (types[i] == RpcContext.class) {
                contextIndex = i;
            } else {
                payloadIndex = i;
            }
        }
        Type payloadType = payloadIndex < 0 ? null : types[payloadIndex];
        return new MethodDescriptor(name, candidate, payloadType, payloadIndex, contextIndex, annotation.blocking());
    }

    /**
     * Why a bean of this scope cannot serve RPC methods, or null when it can. A call arrives in
     * a WebSocket message, outside any HTTP request, so these scopes' contexts are never active
     * there: the bean's proxy would fail every call.
     */
    static String scopeProblem(Class<? extends Annotation> scope) {
        if (scope == RequestScoped.class || scope == SessionScoped.class || scope == ConversationScoped.class) {
            return "is on a @" + scope.getSimpleName() + " bean, whose context is not active during a WebSocket message; "
                    + "use @ApplicationScoped or @Dependent";
        }
        return null;
    }

    /** Why the method cannot be an RPC method, or null when it can. */
    static String signatureProblem(Method method) {
        int modifiers = method.getModifiers();
        if (Modifier.isStatic(modifiers)) {
            return "must not be static";
        }
        if (!Modifier.isPublic(modifiers)) {
            return "must be public, so that interceptors apply";
        }
        String name = method.getAnnotation(RpcMethod.class).value();
        if (!name.isEmpty() && name.isBlank()) {
            return "has a blank name";
        }
        int contexts = 0;
        int payloads = 0;
        for (Type type : method.getGenericParameterTypes()) {
            if (type == RpcContext.class) {
                contexts++;
            } else {
                payloads++;
                String typeProblem = payloadTypeProblem(type);
                if (typeProblem != null) {
                    return "has an unsupported payload parameter " + type.getTypeName() + ": " + typeProblem;
                }
            }
        }
        if (contexts > 1) {
            return "declares more than one RpcContext parameter";
        }
        if (payloads > 1) {
            return "declares more than one payload parameter; expected at most one payload and one RpcContext";
        }
        return null;
    }

    private static final String EXPECTED = "expected a record, a POJO, a Map, or a JsonObject/JsonValue";

    private static String payloadTypeProblem(Type type) {
        Class<?> raw = rawClass(type);
        if (raw == null) {
            return EXPECTED;
        }
        if (raw == JsonValue.class || raw == JsonObject.class || raw == JsonStructure.class) {
            return null;
        }
        if (Map.class.isAssignableFrom(raw)) {
            return raw.isInterface() || hasNoArgConstructor(raw) ? null : EXPECTED;
        }
        if (raw.isRecord()) {
            return null;
        }
        boolean pojo = !raw.isPrimitive() && !raw.isArray() && !raw.isEnum() && !raw.isInterface()
                && !Modifier.isAbstract(raw.getModifiers()) && !raw.getName().startsWith("java.")
                && !JsonValue.class.isAssignableFrom(raw)
                && (hasNoArgConstructor(raw) || hasCreator(raw));
        return pojo ? null : EXPECTED;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return null;
    }

    private static boolean hasNoArgConstructor(Class<?> type) {
        return Arrays.stream(type.getDeclaredConstructors()).anyMatch(c -> c.getParameterCount() == 0);
    }

    private static boolean hasCreator(Class<?> type) {
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (constructor.isAnnotationPresent(JsonbCreator.class)) {
                return true;
            }
        }
        return Arrays.stream(type.getDeclaredMethods()).anyMatch(m -> m.isAnnotationPresent(JsonbCreator.class));
    }
}
