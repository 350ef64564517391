package dev.streamrpc.rpc;

import jakarta.json.Json;
import jakarta.json.bind.JsonbBuilder;
import org.eclipse.yasson.YassonJsonb;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EnvelopeReaderTest {

    private final EnvelopeReader reader = new EnvelopeReader((YassonJsonb) JsonbBuilder.create());

    @Test
    void readsAWellFormedRequest() throws Exception {
        Request request = reader.read("{\"id\":7,\"method\":\"echo\",\"payload\":{\"a\":1},\"other\":true}");
        assertThat(request.id()).isEqualTo(Json.createValue(7));
        assertThat(request.method()).isEqualTo("echo");
        assertThat(request.payload().getInt("a")).isEqualTo(1);
    }

    @Test
    void aPayloadWith997LevelsInsideIsReadAnd998AreRefused() throws Exception {
        assertThat(reader.read(nested(997)).payload()).isNotNull();
        // So shallow a document cannot overflow the stack: what refuses it is the parser's depth limit.
        RequestRefused refused = catchThrowableOfType(RequestRefused.class, () -> reader.read(nested(998)));
        assertThat(refused.error().getMessage()).isEqualTo("JSON string expected");
        assertThat(refused.id()).isNull();
    }

    @Test
    void aNumberOf1100CharactersIsReadAnd1101AreRefused() throws Exception {
        assertThat(reader.read(withNumber(1_100)).payload().getJsonNumber("n")).isNotNull();
        RequestRefused refused = catchThrowableOfType(RequestRefused.class, () -> reader.read(withNumber(1_101)));
        assertThat(refused.error().getMessage()).isEqualTo("JSON string expected");
    }

    /** A payload object holding {@code levels} nested arrays, as PROTOCOL counts the levels inside a payload. */
    private static String nested(int levels) {
        return "{\"id\":1,\"method\":\"echo\",\"payload\":{\"a\":" + "[".repeat(levels) + "]".repeat(levels) + "}}";
    }

    private static String withNumber(int digits) {
        return "{\"id\":1,\"method\":\"echo\",\"payload\":{\"n\":" + "9".repeat(digits) + "}}";
    }

    @Test
    void deepNestingIsRefusedAsInvalidJsonWithoutOverflowingTheStack() {
        String deep = "{\"id\":1,\"method\":\"echo\",\"payload\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        RequestRefused refused = catchThrowableOfType(RequestRefused.class, () -> reader.read(deep));
        assertThat(refused.error().getMessage()).isEqualTo("JSON string expected");
    }

    @Test
    void keepsTheIdAndMethodThatWereValidWhenRefusing() {
        RequestRefused refused = catchThrowableOfType(RequestRefused.class, () -> reader.read("{\"id\":\"x\",\"method\":\"m\",\"payload\":1}"));
        assertThat(refused.id()).isEqualTo(Json.createValue("x"));
        assertThat(refused.method()).isEqualTo("m");
        assertThat(refused.error().errors()).isEqualTo(Map.of("payload", "must be an object"));
    }

    /** An id is what the reply echoes: only a string or a number is one, so anything else is refused as missing. */
    @Test
    void anIdThatIsMissingOrNotAStringOrANumberIsRequired() {
        for (String id : List.of("", "\"id\":null,", "\"id\":true,", "\"id\":{\"a\":1},", "\"id\":[1],")) {
            RequestRefused refused = catchThrowableOfType(RequestRefused.class,
                    () -> reader.read("{" + id + "\"method\":\"m\",\"payload\":{}}"));
            assertThat(refused).as(id).isNotNull();
            assertThat(refused.id()).as(id).isNull();
            assertThat(refused.method()).as(id).isEqualTo("m");
            assertThat(refused.error().errors()).as(id).isEqualTo(Map.of("id", "required"));
        }
    }

    /** As the seed answers: the Python type of the document, where a number with a fraction or an exponent is a float. */
    @Test
    void aDocumentThatIsNotAnObjectIsNamedByItsPythonType() {
        Map<String, String> types = Map.of("[1]", "list", "\"s\"", "str", "12", "int", "-1.5", "float", "1e0", "float",
                "2E3", "float", "true", "bool", "false", "bool", "null", "null");
        types.forEach((document, type) -> {
            RequestRefused refused = catchThrowableOfType(RequestRefused.class, () -> reader.read(document));
            assertThat(refused.error().getMessage()).as(document).isEqualTo("Malformed message; expected dictionary, got " + type);
        });
    }

    /** JSON-B alone stops after the first value: a frame must be one JSON document and nothing more. */
    @Test
    void textAfterTheDocumentIsNotJson() {
        RequestRefused refused = catchThrowableOfType(RequestRefused.class,
                () -> reader.read("{\"id\":1,\"method\":\"echo\",\"payload\":{}} {}"));
        assertThat(refused.error().getMessage()).isEqualTo("JSON string expected");
    }
}
