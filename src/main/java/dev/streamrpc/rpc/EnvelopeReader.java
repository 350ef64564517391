package dev.streamrpc.rpc;

import dev.streamrpc.api.ErrorTexts;
import dev.streamrpc.api.RpcException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import org.eclipse.yasson.YassonJsonb;

import java.io.StringReader;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes a text frame into a {@link Request}, or refuses it with the protocol's error:
 * see the error table of PROTOCOL.md section 3.
 */
final class EnvelopeReader {

    private final YassonJsonb jsonb;
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());

    EnvelopeReader(YassonJsonb jsonb) {
        this.jsonb = jsonb;
    }

    Request read(String text) throws RequestRefused {
        JsonValue document = parse(text);
        if (document.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new RequestRefused(null, null, new RpcException(ErrorTexts.NOT_AN_OBJECT + pythonTypeName(document, text)));
        }
        JsonObject envelope = document.asJsonObject();
        Map<String, String> errors = new LinkedHashMap<>();
        JsonValue id = envelope.get("id");
        if (!isIdValue(id)) {
            errors.put("id", ErrorTexts.REQUIRED);
            id = null;
        }
        JsonValue methodValue = envelope.get("method");
        String method = null;
        if (methodValue != null && methodValue.getValueType() == JsonValue.ValueType.STRING) {
            method = ((JsonString) methodValue).getString();
        } else {
            errors.put("method", ErrorTexts.REQUIRED);
        }
        JsonValue payload = envelope.get("payload");
        if (payload == null || payload.getValueType() == JsonValue.ValueType.NULL) {
            payload = JsonValue.EMPTY_JSON_OBJECT;
        } else if (payload.getValueType() != JsonValue.ValueType.OBJECT) {
            errors.put("payload", ErrorTexts.MUST_BE_AN_OBJECT);
        }
        if (!errors.isEmpty()) {
            throw new RequestRefused(id, method, RpcException.invalidParameters(errors));
        }
        return new Request(id, method, payload.asJsonObject());
    }

    /**
     * Reads one JSON document with JSON-B. JSON-B alone stops after the first value and would
     * take {@code {} x} as {@code {}}, so the parser must also be at the end of the text.
     * Nesting deeper than the JSON-P parser's limit (1,000) is refused as invalid JSON.
     */
    private JsonValue parse(String text) throws RequestRefused {
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            JsonValue document = jsonb.fromJson(parser, JsonValue.class);
            if (parser.hasNext()) {
                throw notJson();
            }
            return document == null ? JsonValue.NULL : document;
        } catch (RuntimeException | StackOverflowError e) {
            throw notJson();
        }
    }

    private static RequestRefused notJson() {
        return new RequestRefused(null, null, new RpcException(ErrorTexts.NOT_JSON));
    }

    private static boolean isIdValue(JsonValue id) {
        return id != null && (id.getValueType() == JsonValue.ValueType.STRING
                || id.getValueType() == JsonValue.ValueType.NUMBER);
    }

    /**
     * The seed reports the Python type of a non-object document. A number is an {@code int}
     * when its text has no fraction and no exponent; the parsed value cannot tell {@code 1e0}
     * from {@code 1}, so the frame's own text decides (it is the whole document here).
     */
    private static String pythonTypeName(JsonValue value, String text) {
        return switch (value.getValueType()) {
            case ARRAY -> "list";
            case STRING -> "str";
            case NUMBER -> text.chars().anyMatch(c -> c == '.' || c == 'e' || c == 'E') ? "float" : "int";
            case TRUE, FALSE -> "bool";
            case NULL -> "null";
            case OBJECT -> "dict";
        };
    }
}
