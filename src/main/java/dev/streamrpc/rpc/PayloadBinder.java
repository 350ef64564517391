package dev.streamrpc.rpc;

import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.RpcException;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds a request's payload to a method's payload parameter with JSON-B.
 */
final class PayloadBinder {

    /**
     * How to build each record type whose components are all {@code JsonValue} straight from
     * the parsed payload, or null for the types JSON-B binds (see {@link TreeRecord#of}).
     */
    private static final ClassValue<TreeRecord> TREE_RECORDS = new ClassValue<>() {
        @Override
        protected TreeRecord computeValue(Class<?> type) {
            return TreeRecord.of(type);
        }
    };

    private final ExactJson jsonb;
    /** Worked out by reflection once per type, not once per refused request (anyone can send those fast). */
    private final Map<Class<?>, List<BoundProperties.Property>> properties = new ConcurrentHashMap<>();

    PayloadBinder(Jsonb jsonb) {
        this.jsonb = new ExactJson(jsonb);
    }

    /**
     * @throws RpcException {@code Invalid RPC parameters}, keyed by the first field whose
     *         value JSON-B could not bind (or by {@code payload} when no one field is to blame)
     */
    Object bind(JsonObject payload, Type type) {
        if (type == JsonObject.class || type == JsonValue.class || type == JsonStructure.class) {
            return payload;
        }
        // Records only: an entry under a JDK class (a Map payload) would hold this web app's class loader.
        TreeRecord tree = type instanceof Class<?> c && c.isRecord() ? TREE_RECORDS.get(c) : null;
        if (tree != null) {
            return tree.build(payload);
        }
        try {
            return jsonb.fromJson(payload, type);
        } catch (RuntimeException | StackOverflowError e) {
            throw RpcException.invalidParameter(blame(payload, type), ErrorTexts.INVALID_VALUE);
        }
    }

    /**
     * Finds the field to blame for a failed binding by binding each property on its own.
     * This runs only after a failure, so the common path pays nothing for it. A property
     * read by its own deserializer is not tried: JSON-B's default reading says nothing of it.
     */
    private String blame(JsonObject payload, Type type) {
        if (type instanceof Class<?> c) {
            for (BoundProperties.Property property : properties.computeIfAbsent(c, BoundProperties::of)) {
                JsonValue value = payload.get(property.key());
                if (value != null && !property.custom() && !binds(value, property.type())) {
                    return property.key();
                }
            }
        }
        return "payload";
    }

    private boolean binds(JsonValue value, Type type) {
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            // JSON-B refuses a null for a primitive, and takes it for anything else.
            return !(type instanceof Class<?> c && c.isPrimitive());
        }
        try {
            jsonb.fromJson(value, type);
            return true;
        } catch (RuntimeException | StackOverflowError e) {
            return false;
        }
    }

    /**
     * A record of JSON values (the pub/sub methods' payloads are such records) built from the
     * parsed payload: each component takes the value under its name, as the server's JSON-B
     * (default configuration: property names as in Java) would give it
     * ({@code JsonValue.NULL} for an explicit null, null when absent, other keys ignored),
     * without writing the payload out as text for JSON-B to parse again.
     */
    private record TreeRecord(Constructor<?> constructor, String[] keys) {

        /** Null unless every component is a {@code JsonValue} and nothing asks JSON-B to do more. */
        static TreeRecord of(Class<?> type) {
            if (!type.isRecord() || hasJsonbAnnotation(type) || hasJsonbAnnotation(type.getPackage())) {
                return null;
            }
            RecordComponent[] components = type.getRecordComponents();
            String[] keys = new String[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent component = components[i];
                if (component.getType() != JsonValue.class || hasJsonbAnnotation(component.getAccessor())
                        || hasJsonbAnnotation(field(type, component.getName()))) {
                    return null;
                }
                keys[i] = component.getName();
            }
            try {
                // The canonical constructor: one JsonValue parameter per component.
                Class<?>[] parameters = new Class<?>[components.length];
                Arrays.fill(parameters, JsonValue.class);
                Constructor<?> constructor = type.getDeclaredConstructor(parameters);
                if (hasJsonbAnnotation(constructor)) {
                    return null;
                }
                constructor.setAccessible(true);
                for (Annotation[] annotations : constructor.getParameterAnnotations()) {
                    if (hasJsonbAnnotation(annotations)) {
                        return null;
                    }
                }
                return new TreeRecord(constructor, keys);
            } catch (NoSuchMethodException | RuntimeException e) {
                return null;   // not reachable by reflection: JSON-B binds it, or says why not
            }
        }

        Object build(JsonObject payload) {
            Object[] values = new Object[keys.length];
            for (int i = 0; i < keys.length; i++) {
                values[i] = payload.get(keys[i]);
            }
            try {
                return constructor.newInstance(values);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof Error error) {
                    throw error;   // as JSON-B's path lets it through
                }
                // The record's own constructor refused the values, as it would under JSON-B.
                throw RpcException.invalidParameter("payload", ErrorTexts.INVALID_VALUE);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Cannot build " + constructor.getDeclaringClass().getName(), e);
            }
        }

        private static Field field(Class<?> type, String name) {
            try {
                return type.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("A record without its component's field: " + type.getName(), e);
            }
        }

        private static boolean hasJsonbAnnotation(AnnotatedElement element) {
            return element != null && hasJsonbAnnotation(element.getAnnotations());
        }

        private static boolean hasJsonbAnnotation(Annotation[] annotations) {
            for (Annotation annotation : annotations) {
                if (annotation.annotationType().getPackageName().startsWith("jakarta.json.bind")) {
                    return true;
                }
            }
            return false;
        }
    }
}
