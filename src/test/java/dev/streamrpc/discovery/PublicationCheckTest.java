package dev.streamrpc.discovery;

import dev.streamrpc.api.StreamChannel;
import dev.streamrpc.api.StreamEvent;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.validation.Valid;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PublicationCheckTest {

    public record Line(@NotNull String sku, int count) {
    }

    public record Basket(@Size(max = 2) List<Line> lines, @Valid Line first) {
    }

    public record Grade(char mark, double weight) {
    }

    @StreamChannel(name = "baskets", events = {@StreamEvent(name = "saved", data = Basket.class),
            @StreamEvent(name = "counted", data = Integer.class), @StreamEvent(name = "graded", data = Grade.class),
            @StreamEvent(name = "raw.*")})
    static class Declared {
    }

    private static Jsonb jsonb;
    private static ValidatorFactory validators;
    private static PublicationCheck check;

    @BeforeAll
    static void build() {
        jsonb = JsonbBuilder.create();
        validators = Validation.buildDefaultValidatorFactory();
        List<ChannelDeclaration> declarations = ChannelDeclarations.check(List.of(new ChannelDeclarations.Source(
                Declared.class, List.of(Declared.class.getAnnotationsByType(StreamChannel.class))))).declarations();
        check = new PublicationCheck(declarations, jsonb, validators.getValidator());
    }

    @AfterAll
    static void close() throws Exception {
        validators.close();
        jsonb.close();
    }

    private static Map<String, String> errors(String event, String data) {
        return check.errors("baskets", event, Json.createReader(new StringReader(data)).readValue());
    }

    @Test
    void nestedTypeErrorsAreBlamedOnTheirPath() {
        assertThat(errors("saved", "{\"first\":{\"sku\":\"a\",\"count\":1.5}}")).containsExactly(Map.entry("data.first.count", "invalid value"));
        assertThat(errors("saved", "{\"lines\":[{\"sku\":\"a\"},{\"sku\":7},{\"sku\":false}]}"))
                .containsExactly(Map.entry("data.lines[1].sku", "invalid value"));
        assertThat(errors("counted", "\"seven\"")).containsExactly(Map.entry("data", "invalid value"));
    }

    @Test
    void aNumberTheTypeCannotHoldExactlyDoesNotFit() {
        // Read as 1 before, so a constraint on the count would have passed.
        assertThat(errors("saved", "{\"first\":{\"sku\":\"a\",\"count\":4294967297}}")).containsExactly(Map.entry("data", "invalid value"));
        assertThat(errors("counted", "2147483648")).containsExactly(Map.entry("data", "invalid value"));
    }

    @Test
    void aValueJsonbWouldBindByLosingItDoesNotFit() {
        // The schema's JSON types allow both; JSON-B bound "AB" as 'A' and 1e400 as Infinity.
        assertThat(errors("graded", "{\"mark\":\"AB\",\"weight\":1}")).containsExactly(Map.entry("data", "invalid value"));
        assertThat(errors("graded", "{\"mark\":\"A\",\"weight\":1e400}")).containsExactly(Map.entry("data", "invalid value"));
        assertThat(errors("graded", "{\"mark\":\"A\",\"weight\":0.5}")).isEmpty();
    }

    @Test
    void constraintsOfNestedValuesAreCheckedAfterBinding() {
        assertThat(errors("saved", "{\"lines\":[{\"sku\":\"a\"},{\"sku\":\"b\"},{\"sku\":\"c\"}],\"first\":{\"count\":1}}"))
                .containsOnly(Map.entry("data.first.sku", "required"), Map.entry("data.lines", "size must be between 0 and 2"));
    }

    @Test
    void fittingDataUndeclaredChannelsAndAnyJsonPass() {
        assertThat(errors("saved", "{\"lines\":[{\"sku\":\"a\",\"count\":2}]}")).isEmpty();
        assertThat(errors("counted", "12")).isEmpty();
        assertThat(errors("raw.x", "[1, \"two\", null]")).isEmpty();
        assertThat(check.errors("elsewhere", "saved", JsonValue.TRUE)).isEmpty();
    }

    @Test
    void anUndeclaredOrMissingEventIsRefused() {
        assertThat(errors("deleted", "{}")).containsExactly(Map.entry("event", "Undeclared event"));
        assertThat(check.errors("baskets", null, JsonValue.EMPTY_JSON_OBJECT)).containsExactly(Map.entry("event", "Undeclared event"));
    }

    @Test
    void deeplyNestedDataCostsNoMoreThanItsSize() {
        String deep = "[".repeat(900) + "]".repeat(900);   // JSON-P's parser refuses 1000 levels
        assertThat(errors("saved", "{\"lines\":" + deep + "}")).containsExactly(Map.entry("data.lines[0]", "invalid value"));
    }
}
