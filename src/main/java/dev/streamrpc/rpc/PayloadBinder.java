package dev.streamrpc.rpc;

import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.RpcException;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.annotation.JsonbProperty;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;

/**
 * Binds a request's payload to a method's payload parameter with JSON-B.
 */
final class PayloadBinder {

    private final Jsonb jsonb;

    PayloadBinder(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    /**
     * @throws RpcException {@code Invalid RPC parameters}, keyed by the first field whose
     *         value JSON-B could not bind (or by {@code payload} when no one field is to blame)
     */
    Object bind(JsonObject payload, Type type) {
        if (type == JsonObject.class || type == JsonValue.class || type == JsonStructure.class) {
            return payload;
        }
        try {
            // Through the payload's text: Yasson's tree reader cannot bind JsonValue-typed properties.
            return jsonb.fromJson(payload.toString(), type);
        } catch (RuntimeException | StackOverflowError e) {
            throw RpcException.invalidParameter(blame(payload, type), ErrorTexts.INVALID_VALUE);
        }
    }

    /**
     * Finds the field to blame for a failed binding by binding each property on its own.
     * This runs only after a failure, so the common path pays nothing for it.
     */
    private String blame(JsonObject payload, Type type) {
        if (type instanceof Class<?> c) {
            if (c.isRecord()) {
                for (RecordComponent component : c.getRecordComponents()) {
                    String field = blameProperty(payload, component, component.getName(), component.getGenericType());
                    if (field != null) {
                        return field;
                    }
                }
            } else {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || Modifier.isTransient(f.getModifiers())) {
                        continue;
                    }
                    String field = blameProperty(payload, f, f.getName(), f.getGenericType());
                    if (field != null) {
                        return field;
                    }
                }
            }
        }
        return "payload";
    }

    private String blameProperty(JsonObject payload, AnnotatedElement element, String javaName, Type type) {
        JsonbProperty renamed = element.getAnnotation(JsonbProperty.class);
        String key = renamed != null && !renamed.value().isEmpty() ? renamed.value() : javaName;
        JsonValue value = payload.get(key);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        try {
            jsonb.fromJson(value.toString(), type);
            return null;
        } catch (RuntimeException | StackOverflowError e) {
            return key;
        }
    }
}
