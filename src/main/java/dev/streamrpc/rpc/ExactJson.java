package dev.streamrpc.rpc;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import org.eclipse.yasson.YassonJsonb;

import java.io.StringReader;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a client's JSON text with JSON-B, where an {@code int} or a {@code long} (boxed or
 * not) takes only a number it holds exactly. JSON-B's own readers take the parser's
 * {@code getInt()}/{@code getLong()}, which truncate: {@code 4294967297} was read as {@code 1}
 * and {@code 1.5} as {@code 1}, so a client passed {@code @Max(10)} with four billion. Here the
 * parser refuses such a number, and JSON-B fails the binding as for any other wrong value.
 * Other scalars JSON-B would bind by losing them are refused before binding ({@link LossCheck}).
 */
public final class ExactJson {

    private final YassonJsonb jsonb;
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());
    private final LossCheck losses = new LossCheck();

    /** @param jsonb the server's JSON-B, which is Yasson (its parser entry point is needed here) */
    public ExactJson(Jsonb jsonb) {
        this.jsonb = (YassonJsonb) jsonb;
    }

    /**
     * Binds a parsed value as {@link Jsonb#fromJson(String, Type)} binds its text, refusing
     * what JSON-B would bind by losing it (see {@link LossCheck}).
     *
     * @throws JsonbException when the value does not bind to the type
     */
    public <T> T fromJson(JsonValue value, Type type) {
        if (losses.loses(value, type)) {
            throw new JsonbException("A value " + type.getTypeName() + " cannot hold without loss");
        }
        // Through the value's text: Yasson's tree reader cannot bind JsonValue-typed properties.
        try (JsonParser parser = new ExactIntegers(parsers.createParser(new StringReader(value.toString())))) {
            return jsonb.fromJson(parser, type);
        }
    }

    /** A parser whose {@code getInt} and {@code getLong} refuse what they would truncate. */
    private record ExactIntegers(JsonParser parser) implements JsonParser {

        @Override
        public int getInt() {
            // The exact conversions refuse a fraction or an overflow, and never expand a large exponent.
            return parser.getBigDecimal().intValueExact();
        }

        @Override
        public long getLong() {
            return parser.getBigDecimal().longValueExact();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }

        @Override
        public Event next() {
            return parser.next();
        }

        @Override
        public Event currentEvent() {
            return parser.currentEvent();
        }

        @Override
        public String getString() {
            return parser.getString();
        }

        @Override
        public boolean isIntegralNumber() {
            return parser.isIntegralNumber();
        }

        @Override
        public BigDecimal getBigDecimal() {
            return parser.getBigDecimal();
        }

        @Override
        public JsonLocation getLocation() {
            return parser.getLocation();
        }

        @Override
        public JsonObject getObject() {
            return parser.getObject();
        }

        @Override
        public JsonValue getValue() {
            return parser.getValue();
        }

        @Override
        public JsonArray getArray() {
            return parser.getArray();
        }

        @Override
        public Stream<JsonValue> getArrayStream() {
            return parser.getArrayStream();
        }

        @Override
        public Stream<Map.Entry<String, JsonValue>> getObjectStream() {
            return parser.getObjectStream();
        }

        @Override
        public Stream<JsonValue> getValueStream() {
            return parser.getValueStream();
        }

        @Override
        public void skipArray() {
            parser.skipArray();
        }

        @Override
        public void skipObject() {
            parser.skipObject();
        }

        @Override
        public void close() {
            parser.close();
        }
    }
}
