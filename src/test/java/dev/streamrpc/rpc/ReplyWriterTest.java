package dev.streamrpc.rpc;

import jakarta.json.Json;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyWriterTest {

    private static final AtomicInteger HASHED = new AtomicInteger();

    /** A result that counts how often it is hashed: a record's hash code walks all of its value. */
    public record Counted(String value) {

        @Override
        public int hashCode() {
            HASHED.incrementAndGet();
            return value.hashCode();
        }
    }

    private final ReplyWriter writer = new ReplyWriter(JsonbBuilder.create());

    @Test
    void theEnvelopeDoesNotHashTheResultAgain() {
        HASHED.set(0);
        String reply = writer.response(Json.createValue(1), "m", new Counted("x"));
        assertThat(reply).isEqualTo("{\"id\":1,\"method\":\"m\",\"response\":{\"value\":\"x\"}}");
        // Yasson hashes each object it writes as it enters and leaves it (its cycle check); the
        // envelope, hashed the same way, must not walk the result a second time.
        assertThat(HASHED).hasValueLessThanOrEqualTo(2);
    }
}
