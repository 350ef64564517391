package dev.streamrpc.discovery;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTransient;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URL;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated schemas describe the properties JSON-B reads and writes, no more and no fewer. */
class JsonSchemasTest {

    /** A POJO with one property of each kind of visibility JSON-B tells apart. */
    @SuppressWarnings("unused")
    public static class Account {
        public String name;
        private String secret;
        private int balance;
        private String note;

        public int getBalance() {
            return balance;
        }

        public void setNote(String note) {
            this.note = note;
        }

        boolean hasSecret() {
            return secret != null;
        }

        public String getSummary() {
            return name + ": " + balance;
        }

        public boolean isOverdrawn() {
            return balance < 0;
        }

        @JsonbProperty("in-cents")
        public long getCents() {
            return balance * 100L;
        }

        @JsonbTransient
        public String getInternal() {
            return "";
        }

        public String describe() {
            return getSummary();
        }
    }

    public record Entry(String item, int count) {
    }

    public record Blob(byte[] bytes, Byte one, OptionalInt size, OptionalLong total, OptionalDouble ratio, URL link) {
    }

    private static JsonObject properties(Class<?> type) {
        JsonSchemas.Generated generated = new JsonSchemas().generate(List.of(type));
        return generated.resolve(generated.of(type)).getJsonObject("properties");
    }

    @Test
    void aPojoFieldJsonbNeitherReadsNorWritesIsNoProperty() throws Exception {
        // JSON-B ignores a private field without a public getter or setter, both ways.
        try (Jsonb jsonb = JsonbBuilder.create()) {
            assertThat(jsonb.fromJson("{\"secret\":\"s\"}", Account.class).hasSecret()).isFalse();
            assertThat(jsonb.toJson(new Account())).doesNotContain("secret");
        }
        assertThat(properties(Account.class).keySet()).doesNotContain("secret");
        assertThat(properties(Entry.class).keySet()).containsExactlyInAnyOrder("item", "count");
    }

    @Test
    void aPojoGetterWithoutAFieldIsAPropertyAsJsonbWritesIt() throws Exception {
        try (Jsonb jsonb = JsonbBuilder.create()) {
            assertThat(keys(jsonb.toJson(new Account())))
                    .containsExactlyInAnyOrder("balance", "summary", "overdrawn", "in-cents");
        }
        assertThat(properties(Account.class).keySet()).containsExactlyInAnyOrder(
                "name", "balance", "note", "summary", "overdrawn", "in-cents");
        assertThat(properties(Account.class).getJsonObject("overdrawn").getString("type")).isEqualTo("boolean");
    }

    private static Set<String> keys(String json) {
        return Json.createReader(new StringReader(json)).readObject().keySet();
    }

    @Test
    void bytesOptionalNumbersAndUrlsHaveTheSchemaOfWhatJsonbWrites() throws Exception {
        try (Jsonb jsonb = JsonbBuilder.create()) {
            assertThat(jsonb.toJson(new Blob(new byte[] {1, -2}, (byte) 3, OptionalInt.of(4), OptionalLong.of(5), OptionalDouble.of(0.5),
                    new URL("http://example.com/a")))).isEqualTo(
                    "{\"bytes\":[1,-2],\"link\":\"http://example.com/a\",\"one\":3,\"ratio\":0.5,\"size\":4,\"total\":5}");
        }
        JsonObject blob = properties(Blob.class);
        assertThat(blob.getJsonObject("bytes").getJsonObject("items").getString("type")).isEqualTo("integer");
        assertThat(blob.getJsonObject("one").getString("type")).isEqualTo("integer");
        assertThat(blob.getJsonObject("size").getString("type")).isEqualTo("integer");
        assertThat(blob.getJsonObject("total").getString("type")).isEqualTo("integer");
        assertThat(blob.getJsonObject("ratio").getString("type")).isEqualTo("number");
        assertThat(blob.getJsonObject("link").getString("type")).isEqualTo("string");
    }
}
