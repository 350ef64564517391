package dev.streamrpc.it;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.api.StreamChannel;
import dev.streamrpc.api.StreamEvent;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenRPC document ({@code rpc.discover}, {@code /openrpc.json}) and the AsyncAPI document
 * ({@code /asyncapi.json}) describe the deployment's own methods and channels, with schemas
 * generated from their Java types and Bean Validation constraints.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DiscoveryIT {

    /** A fixture application: one method per kind of payload and result, and a declared channel. */
    @ApplicationScoped
    @StreamChannel(name = "orders.*", description = "Orders by region", events = {
            @StreamEvent(name = "created", data = Shop.Order.class, description = "A new order"),
            @StreamEvent(name = "note", data = String.class)})
    public static class Shop {

        public record Order(@NotBlank String item, @Min(1) @Max(10) int quantity, @Size(max = 3) List<String> tags,
                            @Pattern(regexp = "[A-Z]{3}") String currency) {
        }

        /** A POJO, bound through its setters. */
        public static class Profile {
            private String name;
            private Integer age;

            public String getName() {
                return name;
            }

            public void setName(String name) {
                this.name = name;
            }

            public Integer getAge() {
                return age;
            }

            public void setAge(Integer age) {
                this.age = age;
            }
        }

        public record Total(long sum) {
        }

        @RpcMethod
        public Order placeOrder(Order order) {
            return order;
        }

        @RpcMethod
        public void updateProfile(Profile profile) {
        }

        @RpcMethod
        public CompletionStage<Total> tally(Map<String, Integer> counts) {
            return CompletableFuture.completedFuture(new Total(counts.values().stream().mapToLong(Integer::longValue).sum()));
        }

        @RpcMethod
        public List<Order> listOrders(JsonObject filter) {
            return List.of();
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("discovery", new Class<?>[] {Shop.class, Shop.Order.class, Shop.Profile.class, Shop.Total.class},
                "stream.api.title=Shop API", "stream.api.version=2.1.0", "stream.api.description=Orders and profiles.");
    }

    @ArquillianResource
    URL base;

    private JsonObject openRpc() throws Exception {
        return document("openrpc.json");
    }

    private JsonObject document(String path) throws Exception {
        HttpResponse<String> response = Http.get(URI.create(base + path));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        return WsClient.parse(response.body());
    }

    private static JsonObject method(JsonObject openRpc, String name) {
        return openRpc.getJsonArray("methods").getValuesAs(JsonObject.class).stream()
                .filter(m -> m.getString("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no method " + name + " in " + openRpc.getJsonArray("methods")));
    }

    private static JsonObject param(JsonObject method, String name) {
        return method.getJsonArray("params").getValuesAs(JsonObject.class).stream()
                .filter(p -> p.getString("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no param " + name + " in " + method));
    }

    private static JsonObject json(String text) {
        return WsClient.parse(text);
    }

    @Test
    void rpcDiscoverAnswersTheDocumentServedAtOpenrpcJson() throws Exception {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            JsonObject reply = client.call("rpc.discover", "{}");
            assertThat(reply.getJsonObject("response")).isEqualTo(openRpc());
        }
    }

    @Test
    void theOpenRpcDocumentNamesTheApplicationAndListsEveryMethodBuiltInsIncluded() throws Exception {
        JsonObject document = openRpc();
        assertThat(document.getString("openrpc")).isEqualTo("1.3.2");
        assertThat(document.getJsonObject("info").getString("title")).isEqualTo("Shop API");
        assertThat(document.getJsonObject("info").getString("version")).isEqualTo("2.1.0");
        assertThat(document.getJsonObject("info").getString("description")).startsWith("Orders and profiles.\n\n")
                .contains("not JSON-RPC 2.0");
        assertThat(document.getJsonObject("x-streamrpc-envelope").getJsonObject("request").getString("params")).startsWith("payload");
        List<String> names = document.getJsonArray("methods").getValuesAs(JsonObject.class).stream().map(m -> m.getString("name")).toList();
        assertThat(names).containsExactly("echo", "list_orders", "place_order", "publish", "rpc.discover", "server_info",
                "subscribe", "tally", "unsubscribe", "update_profile");
    }

    @Test
    void aRecordPayloadCarriesItsConstraintsAndRequiredFields() throws Exception {
        JsonObject document = openRpc();
        JsonObject order = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Order");
        assertThat(order.getString("type")).isEqualTo("object");
        JsonObject properties = order.getJsonObject("properties");
        assertThat(properties.getJsonObject("item")).isEqualTo(json("{\"type\":\"string\",\"minLength\":1}"));
        assertThat(properties.getJsonObject("quantity")).isEqualTo(json("{\"type\":\"integer\",\"minimum\":1,\"maximum\":10}"));
        assertThat(properties.getJsonObject("tags")).isEqualTo(json("{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"maxItems\":3}"));
        assertThat(properties.getJsonObject("currency")).isEqualTo(json("{\"type\":\"string\",\"pattern\":\"^(?:[A-Z]{3})$\"}"));
        assertThat(order.getJsonArray("required")).isEqualTo(Json.createArrayBuilder().add("item").build());

        JsonObject placeOrder = method(document, "place_order");
        assertThat(placeOrder.getString("paramStructure")).isEqualTo("by-name");
        assertThat(placeOrder.getJsonObject("x-payload")).isEqualTo(json("{\"$ref\":\"#/components/schemas/Order\"}"));
        assertThat(param(placeOrder, "item").getBoolean("required")).isTrue();
        assertThat(param(placeOrder, "item").getJsonObject("schema")).isEqualTo(properties.getJsonObject("item"));
        assertThat(param(placeOrder, "quantity").getBoolean("required")).isFalse();
        assertThat(placeOrder.getJsonObject("result").getJsonObject("schema")).isEqualTo(json("{\"$ref\":\"#/components/schemas/Order\"}"));
    }

    @Test
    void aPatternIsAnchoredAsBeanValidationMatchesTheWholeValue() throws Exception {
        // A JSON Schema pattern matches anywhere in the string: "[A-Z]{3}" let "xEURx" through.
        String pattern = openRpc().getJsonObject("components").getJsonObject("schemas").getJsonObject("Order")
                .getJsonObject("properties").getJsonObject("currency").getString("pattern");
        assertThat(java.util.regex.Pattern.compile(pattern).matcher("xEURx").find()).isFalse();
        assertThat(java.util.regex.Pattern.compile(pattern).matcher("EUR").find()).isTrue();
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            JsonObject refused = client.call("place_order", "{\"item\":\"tea\",\"quantity\":1,\"currency\":\"xEURx\"}");
            assertThat(refused.getJsonObject("error").getJsonObject("errors").getString("currency")).startsWith("must match");
            assertThat(client.call("place_order", "{\"item\":\"tea\",\"quantity\":1,\"currency\":\"EUR\"}").containsKey("response")).isTrue();
        }
    }

    @Test
    void aPojoPayloadHasItsPropertiesAndAVoidMethodAnswersNull() throws Exception {
        JsonObject document = openRpc();
        assertThat(document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Profile")).isEqualTo(json(
                "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}}}"));
        JsonObject updateProfile = method(document, "update_profile");
        assertThat(updateProfile.getJsonArray("params").getValuesAs(JsonObject.class).stream().map(p -> p.getString("name")))
                .containsExactly("age", "name");
        assertThat(updateProfile.getJsonObject("result").getJsonObject("schema")).isEqualTo(json("{\"type\":\"null\"}"));
    }

    @Test
    void aMapPayloadIsAFreeFormObjectAndACompletionStageAnswersItsValue() throws Exception {
        JsonObject tally = method(openRpc(), "tally");
        assertThat(tally.getJsonArray("params")).isEmpty();
        assertThat(tally.getJsonObject("x-payload")).isEqualTo(json("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}"));
        assertThat(tally.getJsonObject("result").getJsonObject("schema")).isEqualTo(json("{\"$ref\":\"#/components/schemas/Total\"}"));
        assertThat(openRpc().getJsonObject("components").getJsonObject("schemas").getJsonObject("Total"))
                .isEqualTo(json("{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"integer\"}}}"));
    }

    @Test
    void aJsonObjectPayloadIsAnyObjectAndAGenericListIsAnArrayOfItsType() throws Exception {
        JsonObject listOrders = method(openRpc(), "list_orders");
        assertThat(listOrders.getJsonObject("x-payload")).isEqualTo(json("{\"type\":\"object\"}"));
        assertThat(listOrders.getJsonObject("result").getJsonObject("schema"))
                .isEqualTo(json("{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Order\"}}"));
    }

    @Test
    void theBuiltInsDescribeTheirWireContractAndErrors() throws Exception {
        JsonObject document = openRpc();
        JsonObject subscribe = method(document, "subscribe");
        assertThat(param(subscribe, "channel").getBoolean("required")).isTrue();
        assertThat(param(subscribe, "since").getJsonObject("schema").toString()).contains("#/components/schemas/Position");
        JsonObject subscribed = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Subscribed");
        assertThat(subscribed.getJsonObject("properties").keySet()).containsExactlyInAnyOrder(
                "subscribed", "position", "recovered", "reason", "publications");
        List<String> errors = subscribe.getJsonArray("errors").getValuesAs(JsonObject.class).stream()
                .map(e -> e.getString("$ref")).toList();
        assertThat(errors).contains("#/components/errors/invalid-channel", "#/components/errors/too-many-subscriptions",
                "#/components/errors/cannot-subscribe");
        assertThat(document.getJsonObject("components").getJsonObject("errors").getJsonObject("cannot-subscribe")).isEqualTo(json(
                "{\"code\":-32602,\"message\":\"Invalid RPC parameters\",\"data\":{\"errors\":{\"channel\":\"Cannot subscribe to channel\"}}}"));
        assertThat(method(document, "publish").getJsonArray("errors").getValuesAs(JsonObject.class).stream().map(e -> e.getString("$ref")))
                .contains("#/components/errors/event-not-a-string");
        assertThat(document.getJsonObject("components").getJsonObject("errors").getJsonObject("too-many-subscriptions")).isEqualTo(json(
                "{\"code\":-32602,\"message\":\"Invalid RPC parameters\",\"data\":{\"errors\":{\"channel\":\"Too many subscriptions\"}}}"));
        assertThat(method(document, "publish").getJsonObject("x-payload")).isEqualTo(json("{\"$ref\":\"#/components/schemas/Publish\"}"));
    }

    @Test
    void theAsyncApiDocumentHasTheMethodsTheDeclaredChannelAndTheSameSchemas() throws Exception {
        JsonObject asyncApi = document("asyncapi.json");
        assertThat(asyncApi.getString("asyncapi")).isEqualTo("3.0.0");
        assertThat(asyncApi.getJsonObject("info").getString("title")).isEqualTo("Shop API");
        assertThat(asyncApi.getJsonObject("components").getJsonObject("schemas"))
                .isEqualTo(openRpc().getJsonObject("components").getJsonObject("schemas"));

        JsonObject placeOrder = asyncApi.getJsonObject("operations").getJsonObject("place_order");
        assertThat(placeOrder.getString("action")).isEqualTo("receive");
        assertThat(placeOrder.getJsonArray("messages").getJsonObject(0).getString("$ref")).isEqualTo("#/channels/rpc/messages/place_order.request");
        assertThat(placeOrder.getJsonObject("reply").getJsonArray("messages").getValuesAs(JsonObject.class).stream().map(m -> m.getString("$ref")))
                .containsExactly("#/channels/rpc/messages/place_order.response", "#/channels/rpc/messages/error");
        JsonObject rpcMessages = asyncApi.getJsonObject("channels").getJsonObject("rpc").getJsonObject("messages");
        assertThat(rpcMessages.getJsonObject("place_order.request").getJsonObject("payload").getJsonObject("properties"))
                .isEqualTo(json("{\"id\":{\"type\":[\"string\",\"number\"],\"description\":\"Chosen by the client; the reply carries it unchanged\"},"
                        + "\"method\":{\"const\":\"place_order\"},\"payload\":{\"$ref\":\"#/components/schemas/Order\"}}"));
        assertThat(rpcMessages.getJsonObject("update_profile.response").getJsonObject("payload").getJsonObject("properties")
                .getJsonObject("response")).isEqualTo(json("{\"type\":\"null\"}"));

        JsonObject orders = asyncApi.getJsonObject("channels").getJsonObject("channel.orders._");
        assertThat(orders.getString("address")).isEqualTo("orders.*");
        assertThat(orders.getJsonObject("messages").keySet()).containsExactly("created", "note", "gap");
        JsonObject created = orders.getJsonObject("messages").getJsonObject("created").getJsonObject("payload").getJsonObject("properties");
        assertThat(created.getJsonObject("data")).isEqualTo(json("{\"$ref\":\"#/components/schemas/Order\"}"));
        assertThat(created.getJsonObject("event").getString("const")).isEqualTo("created");
        assertThat(created.getJsonObject("offset").getString("type")).isEqualTo("integer");
        JsonObject note = orders.getJsonObject("messages").getJsonObject("note").getJsonObject("payload").getJsonObject("properties");
        assertThat(note.getJsonObject("data")).isEqualTo(json("{\"type\":\"string\"}"));
        assertThat(asyncApi.getJsonObject("operations").getJsonObject("deliver.channel.orders._").getString("action")).isEqualTo("send");
    }

    @Test
    void theAsyncApiDocumentDescribesVersionTwoPositions() throws Exception {
        JsonObject asyncApi = document("asyncapi.json");
        JsonObject schemas = asyncApi.getJsonObject("components").getJsonObject("schemas");
        assertThat(schemas.getJsonObject("Subscribe").getJsonObject("properties").keySet()).contains("position", "since");
        assertThat(schemas.getJsonObject("RecoveryFailure").getJsonArray("enum")).isEqualTo(
                Json.createArrayBuilder().add("epoch").add("trimmed").add("limit").add("off").build());
        assertThat(schemas.getJsonObject("GapRange").getJsonObject("properties").keySet()).containsExactlyInAnyOrder("from", "to", "epoch");
        JsonObject any = asyncApi.getJsonObject("channels").getJsonObject("any");
        assertThat(any.get("address")).isEqualTo(JsonValue.NULL);
        assertThat(any.getJsonObject("messages").getJsonObject("gap").getJsonObject("payload"))
                .isEqualTo(json("{\"$ref\":\"#/components/schemas/Gap\"}"));
    }

    @Test
    void withoutValidationADeclaredChannelTakesAnyData() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            JsonObject reply = client.call("publish", "{\"channel\":\"orders.eu\",\"event\":\"created\",\"data\":{\"quantity\":\"many\"}}");
            assertThat(reply.containsKey("response")).as(reply.toString()).isTrue();
        }
    }
}
