package dev.streamrpc.rpc;

import jakarta.json.Json;
import jakarta.json.bind.JsonbBuilder;
import org.eclipse.yasson.YassonJsonb;
import org.junit.jupiter.api.Test;

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
}
