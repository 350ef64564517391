package dev.streamrpc.discovery;

import dev.streamrpc.rpc.ExactJson;
import dev.streamrpc.rpc.ViolationMapper;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a publication fits the declarations of its channel: a declared event, and
 * data that binds to the event's type with JSON-B and passes Bean Validation. A plain class,
 * testable without a container. Errors are keyed like the RPC payload's, under {@code data}:
 * {@code data.quantity}.
 *
 * <p>Before binding, the data is compared with the type's schema (JSON types only, at most
 * {@value #MAX_DEPTH} levels deep), so that a wrong type is blamed on its field rather than on
 * the whole of {@code data}. The cost is linear in the size of the data.
 */
final class PublicationCheck {

    static final String INVALID_VALUE = "invalid value";
    static final String NOT_NULL = "must not be null";
    private static final int MAX_DEPTH = 16;

    private final List<ChannelDeclaration> declarations;
    private final JsonSchemas.Generated schemas;
    private final ExactJson jsonb;
    private final Validator validator;

    PublicationCheck(List<ChannelDeclaration> declarations, Jsonb jsonb, Validator validator) {
        this.declarations = declarations;
        this.jsonb = new ExactJson(jsonb);
        this.validator = validator;
        this.schemas = new JsonSchemas().generate(declarations.stream()
                .flatMap(channel -> channel.events().stream()).map(ChannelDeclaration.Event::data).distinct().toList());
    }

    /**
     * The field errors of a publication; empty when it fits, or when no declaration covers
     * the channel.
     *
     * @param event the event name, or null for none (declared as the empty name)
     */
    Map<String, String> errors(String channel, String event, JsonValue data) {
        String name = event == null ? "" : event;
        List<ChannelDeclaration> matching = declarations.stream().filter(d -> d.matches(channel)).toList();
        if (matching.isEmpty()) {
            return Map.of();
        }
        List<ChannelDeclaration.Event> events = matching.stream().flatMap(d -> d.events().stream())
                .filter(e -> e.pattern().matches(name)).toList();
        if (events.isEmpty()) {
            return Map.of("event", ChannelCatalog.UNDECLARED_EVENT);
        }
        Map<String, String> errors = new LinkedHashMap<>();
        for (ChannelDeclaration.Event declared : events) {
            dataErrors(declared.data(), data).forEach(errors::putIfAbsent);
        }
        return errors;
    }

    private Map<String, String> dataErrors(Class<?> type, JsonValue data) {
        if (type == JsonValue.class) {
            return Map.of();
        }
        if (data == null || data.getValueType() == JsonValue.ValueType.NULL) {
            return Map.of("data", NOT_NULL);
        }
        Map<String, String> errors = new LinkedHashMap<>();
        mismatches(data, schemas.of(type), "data", errors, 0);
        if (!errors.isEmpty() || JsonValue.class.isAssignableFrom(type)) {
            return errors;
        }
        Object bound;
        try {
            bound = jsonb.fromJson(data, type);
        } catch (RuntimeException | StackOverflowError e) {
            return Map.of("data", INVALID_VALUE);
        }
        Set<ConstraintViolation<Object>> violations = validator.validate(bound);
        // The mapper keys a violation of the whole object as "payload"; here it is the data.
        ViolationMapper.errors(violations).forEach((field, text) ->
                errors.put(field.equals("payload") ? "data" : "data." + field, text));
        return errors;
    }

    /** Records where the data's JSON types differ from the schema's. */
    private void mismatches(JsonValue value, JsonObject schema, String path, Map<String, String> errors, int depth) {
        JsonObject resolved = schemas.resolve(schema);
        if (!fits(value, resolved.get("type"))) {
            errors.putIfAbsent(path, INVALID_VALUE);
            return;
        }
        if (depth == MAX_DEPTH) {
            return;
        }
        if (value instanceof JsonObject object && resolved.get("properties") instanceof JsonObject properties) {
            properties.forEach((key, property) -> {
                JsonValue member = object.get(key);
                if (member != null && member.getValueType() != JsonValue.ValueType.NULL && property instanceof JsonObject nested) {
                    mismatches(member, nested, path + "." + key, errors, depth + 1);
                }
            });
        } else if (value instanceof JsonArray array && resolved.get("items") instanceof JsonObject items) {
            for (int i = 0; i < array.size(); i++) {
                int before = errors.size();
                mismatches(array.get(i), items, path + "[" + i + "]", errors, depth + 1);
                if (errors.size() > before) {
                    return; // one error per array is enough to show what is wrong
                }
            }
        }
    }

    private static boolean fits(JsonValue value, JsonValue type) {
        if (type instanceof JsonString one) {
            return fits(value, one.getString());
        }
        if (type instanceof JsonArray any) {
            return any.getValuesAs(JsonString.class).stream().anyMatch(t -> fits(value, t.getString()));
        }
        return true;
    }

    private static boolean fits(JsonValue value, String type) {
        return switch (type) {
            case "object" -> value.getValueType() == JsonValue.ValueType.OBJECT;
            case "array" -> value.getValueType() == JsonValue.ValueType.ARRAY;
            case "string" -> value.getValueType() == JsonValue.ValueType.STRING;
            case "number" -> value.getValueType() == JsonValue.ValueType.NUMBER;
            case "integer" -> value instanceof JsonNumber number && number.isIntegral();
            case "boolean" -> value == JsonValue.TRUE || value == JsonValue.FALSE;
            case "null" -> value == JsonValue.NULL;
            default -> true;
        };
    }
}
