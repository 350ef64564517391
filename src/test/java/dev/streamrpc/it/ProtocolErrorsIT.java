package dev.streamrpc.it;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every row of the error table in PROTOCOL.md section 3, and the envelope rules of section 2. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ProtocolErrorsIT {

    /** Methods that fail in each of the ways the table names. */
    @ApplicationScoped
    public static class Fixture {

        public record Order(@NotBlank String item, @NotNull @Min(1) @Max(10) Integer quantity, boolean gift) {
        }

        /** Its JSON names are not its Java ones. */
        public record Coupon(@NotBlank @JsonbProperty("coupon-code") String code, @Valid List<Line> lines) {
        }

        public record Line(@JsonbProperty("unit-price") @Min(0) int unitPrice) {
        }

        /** Refers to itself, so JSON-B cannot write it. */
        public static final class Loop {
            public Loop getSelf() {
                return this;
            }
        }

        @RpcMethod
        public String placeOrder(Order order) {
            return order.item() + " x" + order.quantity();
        }

        @RpcMethod
        public String redeem(Coupon coupon) {
            return coupon.code();
        }

        @RpcMethod
        public void explode() {
            throw new IllegalStateException("secret database password is hunter2");
        }

        @RpcMethod
        public Loop loop() {
            return new Loop();
        }

        @RpcMethod
        public Object nothing() {
            return null;
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("errors", new Class<?>[] {Fixture.class, Fixture.Order.class, Fixture.Loop.class,
            Fixture.Coupon.class, Fixture.Line.class});
    }

    @ArquillianResource
    URL base;

    private WsClient client;

    @BeforeEach
    void connect() {
        client = WsClient.connect(Endpoints.stream(base));
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private void assertReply(String request, String expected) {
        client.send(request);
        assertThat(client.next()).isEqualTo(WsClient.parse(expected));
    }

    @Test
    void aFrameThatIsNotJsonGetsJsonStringExpected() {
        assertReply("{bad", "{\"error\":{\"message\":\"JSON string expected\"}}");
        assertReply("{\"id\":1} trailing", "{\"error\":{\"message\":\"JSON string expected\"}}");
        assertReply("", "{\"error\":{\"message\":\"JSON string expected\"}}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[1,2]|list", "\"text\"|str", "42|int", "-0|int", "1.5|float", "1e3|float", "true|bool", "false|bool", "null|null"})
    void jsonThatIsNotAnObjectNamesItsType(String frame, String type) {
        assertReply(frame, "{\"error\":{\"message\":\"Malformed message; expected dictionary, got " + type + "\"}}");
    }

    @Test
    void aMissingOrInvalidIdIsRequired() {
        assertReply("{\"method\":\"echo\"}",
                "{\"method\":\"echo\",\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"id\":\"required\"}}}");
        assertReply("{\"id\":true,\"method\":\"echo\"}",
                "{\"method\":\"echo\",\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"id\":\"required\"}}}");
        assertReply("{\"id\":null,\"method\":\"echo\"}",
                "{\"method\":\"echo\",\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"id\":\"required\"}}}");
    }

    @Test
    void aMissingOrInvalidMethodIsRequired() {
        assertReply("{\"id\":\"a\"}",
                "{\"id\":\"a\",\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"method\":\"required\"}}}");
        assertReply("{\"id\":7,\"method\":[\"echo\"]}",
                "{\"id\":7,\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"method\":\"required\"}}}");
    }

    @Test
    void envelopeErrorsAreReportedTogether() {
        assertReply("{}", "{\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"id\":\"required\",\"method\":\"required\"}}}");
        assertReply("{\"payload\":3}", "{\"error\":{\"message\":\"Invalid RPC parameters\","
                + "\"errors\":{\"id\":\"required\",\"method\":\"required\",\"payload\":\"must be an object\"}}}");
    }

    @Test
    void aPayloadThatIsNotAnObjectIsRefused() {
        assertReply("{\"id\":\"p\",\"method\":\"echo\",\"payload\":[1]}",
                "{\"id\":\"p\",\"method\":\"echo\",\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"payload\":\"must be an object\"}}}");
    }

    @Test
    void anUnknownMethodIsNotAvailable() {
        assertReply("{\"id\":\"u\",\"method\":\"nope\"}",
                "{\"id\":\"u\",\"method\":\"nope\",\"error\":{\"message\":\"Invalid RPC parameters\",\"errors\":{\"method\":\"nope method not available\"}}}");
    }

    @Test
    void aPayloadThatFailsValidationGetsOneErrorPerField() {
        assertReply("{\"id\":\"v\",\"method\":\"place_order\",\"payload\":{\"item\":\" \",\"quantity\":11}}",
                "{\"id\":\"v\",\"method\":\"place_order\",\"error\":{\"message\":\"Invalid RPC parameters\","
                        + "\"errors\":{\"item\":\"must not be blank\",\"quantity\":\"must be less than or equal to 10\"}}}");
        assertReply("{\"id\":\"w\",\"method\":\"place_order\",\"payload\":{}}",
                "{\"id\":\"w\",\"method\":\"place_order\",\"error\":{\"message\":\"Invalid RPC parameters\","
                        + "\"errors\":{\"item\":\"required\",\"quantity\":\"required\"}}}");
        assertReply("{\"id\":\"x\",\"method\":\"place_order\",\"payload\":{\"item\":\"tea\",\"quantity\":\"many\"}}",
                "{\"id\":\"x\",\"method\":\"place_order\",\"error\":{\"message\":\"Invalid RPC parameters\","
                        + "\"errors\":{\"quantity\":\"invalid value\"}}}");
        assertReply("{\"id\":\"y\",\"method\":\"place_order\",\"payload\":{\"item\":\"tea\",\"quantity\":2}}",
                "{\"id\":\"y\",\"method\":\"place_order\",\"response\":\"tea x2\"}");
    }

    @Test
    void aNumberTheFieldCannotHoldExactlyIsAnInvalidValueNotAnotherNumber() {
        // 4294967297 once became 1 (and 1.5 became 1), which passed @Max(10).
        for (String quantity : List.of("4294967297", "2147483648", "1.5")) {
            assertReply("{\"id\":\"n\",\"method\":\"place_order\",\"payload\":{\"item\":\"tea\",\"quantity\":" + quantity + "}}",
                    "{\"id\":\"n\",\"method\":\"place_order\",\"error\":{\"message\":\"Invalid RPC parameters\","
                            + "\"errors\":{\"quantity\":\"invalid value\"}}}");
        }
        assertReply("{\"id\":\"m\",\"method\":\"place_order\",\"payload\":{\"item\":\"tea\",\"quantity\":1e1}}",
                "{\"id\":\"m\",\"method\":\"place_order\",\"response\":\"tea x10\"}");
    }

    @Test
    void aValueJsonbWouldBindByLosingItIsAnInvalidValue() {
        // JSON-B bound an array as its last element (the order was for "tea") and 1 as false.
        Map<String, String> blamed = Map.of(
                "{\"item\":[\"x\",\"tea\"],\"quantity\":1}", "item",
                "{\"item\":\"tea\",\"quantity\":[20,1]}", "quantity",
                "{\"item\":\"tea\",\"quantity\":1,\"gift\":1}", "gift");
        blamed.forEach((payload, field) -> assertReply("{\"id\":\"l\",\"method\":\"place_order\",\"payload\":" + payload + "}",
                "{\"id\":\"l\",\"method\":\"place_order\",\"error\":{\"message\":\"Invalid RPC parameters\","
                        + "\"errors\":{\"" + field + "\":\"invalid value\"}}}"));
        // A renamed component is blamed by its JSON name (it was blamed on the whole payload).
        assertReply("{\"id\":\"r\",\"method\":\"redeem\",\"payload\":{\"coupon-code\":[\"a\"]}}",
                "{\"id\":\"r\",\"method\":\"redeem\",\"error\":{\"message\":\"Invalid RPC parameters\","
                        + "\"errors\":{\"coupon-code\":\"invalid value\"}}}");
        assertReply("{\"id\":\"g\",\"method\":\"place_order\",\"payload\":{\"item\":\"tea\",\"quantity\":2,\"gift\":true}}",
                "{\"id\":\"g\",\"method\":\"place_order\",\"response\":\"tea x2\"}");
    }

    @Test
    void aFieldErrorIsKeyedByTheFieldsJsonNameNotItsJavaName() {
        // The violation used to be keyed by the Java names: {"code": "required"}, {"lines[0].unitPrice": ...}.
        assertReply("{\"id\":\"c\",\"method\":\"redeem\",\"payload\":{\"lines\":[{\"unit-price\":-1}]}}",
                "{\"id\":\"c\",\"method\":\"redeem\",\"error\":{\"message\":\"Invalid RPC parameters\","
                        + "\"errors\":{\"coupon-code\":\"required\",\"lines[0].unit-price\":\"must be greater than or equal to 0\"}}}");
        assertReply("{\"id\":\"d\",\"method\":\"redeem\",\"payload\":{\"coupon-code\":\"x1\"}}",
                "{\"id\":\"d\",\"method\":\"redeem\",\"response\":\"x1\"}");
    }

    @Test
    void aResultThatCannotBeWrittenAsJsonIsReported() {
        assertReply("{\"id\":\"l\",\"method\":\"loop\"}",
                "{\"id\":\"l\",\"method\":\"loop\",\"error\":{\"message\":\"JSON object expected\"}}");
    }

    @Test
    void aFailingMethodLeaksNothingAndTheConnectionStaysOpen() {
        client.send("{\"id\":\"e\",\"method\":\"explode\"}");
        String reply = client.nextText();
        assertThat(WsClient.parse(reply)).isEqualTo(WsClient.parse(
                "{\"id\":\"e\",\"method\":\"explode\",\"error\":{\"message\":\"Internal server error\"}}"));
        assertThat(reply).doesNotContain("hunter2").doesNotContain("IllegalState");
        assertReply("{\"id\":\"after\",\"method\":\"echo\",\"payload\":{}}",
                "{\"id\":\"after\",\"method\":\"echo\",\"response\":{}}");
    }

    @Test
    void idKeepsItsJsonTypeAndPayloadDefaultsToAnEmptyObject() {
        assertReply("{\"id\":12.5,\"method\":\"echo\",\"extra\":true}", "{\"id\":12.5,\"method\":\"echo\",\"response\":{}}");
        assertReply("{\"id\":\"12\",\"method\":\"echo\",\"payload\":null}", "{\"id\":\"12\",\"method\":\"echo\",\"response\":{}}");
        client.send("{\"id\":3,\"method\":\"nothing\"}");
        assertThat(client.nextText()).isEqualTo("{\"id\":3,\"method\":\"nothing\",\"response\":null}");
    }

    @Test
    void everyPipelinedRequestGetsExactlyOneReply() {
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sent.add(client.request(i % 3 == 0 ? "nope" : "echo", "{\"n\":" + i + "}"));
        }
        List<String> received = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            received.add(client.next().getString("id"));
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(client.nextTextWithin(java.time.Duration.ofMillis(300))).isNull();
    }
}
