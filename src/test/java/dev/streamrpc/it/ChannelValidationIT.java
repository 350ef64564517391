package dev.streamrpc.it;

import dev.streamrpc.api.StreamChannel;
import dev.streamrpc.api.StreamEvent;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code stream.channels.validate=true}, a client's publication on a declared channel
 * must name a declared event and carry data of its type; undeclared channels are free.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChannelValidationIT {

    @ApplicationScoped
    @StreamChannel(name = "orders.*", events = {
            @StreamEvent(name = "created", data = Orders.Order.class),
            @StreamEvent(name = "note.*", data = String.class)})
    public static class Orders {

        public record Order(@NotBlank String item, @Min(1) @Max(10) int quantity) {
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("validation", new Class<?>[] {Orders.class, Orders.Order.class},
                "stream.channels.validate=true");
    }

    @ArquillianResource
    URL base;

    private static JsonObject publish(WsClient client, String event, String data) {
        return client.call("publish", "{\"channel\":\"orders.eu\",\"event\":\"" + event + "\",\"data\":" + data + "}");
    }

    private static JsonObject fieldErrors(JsonObject reply) {
        assertThat(reply.containsKey("error")).as(reply.toString()).isTrue();
        assertThat(reply.getJsonObject("error").getString("message")).isEqualTo("Invalid RPC parameters");
        return reply.getJsonObject("error").getJsonObject("errors");
    }

    @Test
    void dataThatFitsIsPublishedAndDelivered() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            client.call("subscribe", "{\"channel\":\"orders.eu\"}");
            JsonObject reply = publish(client, "created", "{\"item\":\"tea\",\"quantity\":2}");
            assertThat(reply.containsKey("response")).as(reply.toString()).isTrue();
            assertThat(client.next().getJsonObject("data").getString("item")).isEqualTo("tea");
        }
    }

    @Test
    void eachBrokenConstraintIsReportedUnderData() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            JsonObject errors = fieldErrors(publish(client, "created", "{\"item\":\" \",\"quantity\":11}"));
            assertThat(errors).hasSize(2);
            assertThat(errors.getString("data.item")).isEqualTo("must not be blank");
            assertThat(errors.getString("data.quantity")).isEqualTo("must be less than or equal to 10");
            assertThat(fieldErrors(publish(client, "created", "{\"quantity\":1}")).getString("data.item")).isEqualTo("required");
        }
    }

    @Test
    void aValueOfTheWrongJsonTypeIsBlamedOnItsField() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            JsonObject errors = fieldErrors(publish(client, "created", "{\"item\":\"tea\",\"quantity\":\"many\"}"));
            assertThat(errors.toString()).isEqualTo("{\"data.quantity\":\"invalid value\"}");
            assertThat(fieldErrors(publish(client, "created", "[1]")).getString("data")).isEqualTo("invalid value");
            assertThat(fieldErrors(publish(client, "note.x", "{\"text\":1}")).getString("data")).isEqualTo("invalid value");
            assertThat(fieldErrors(publish(client, "created", "null")).getString("data")).isEqualTo("must not be null");
        }
    }

    @Test
    void anEventTheChannelDoesNotDeclareIsRefused() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            assertThat(fieldErrors(publish(client, "deleted", "{}")).getString("event")).isEqualTo("Undeclared event");
            JsonObject noEvent = client.call("publish", "{\"channel\":\"orders.eu\",\"data\":{}}");
            assertThat(fieldErrors(noEvent).getString("event")).isEqualTo("Undeclared event");
            assertThat(publish(client, "note.added", "\"call back\"").containsKey("response")).isTrue();
        }
    }

    @Test
    void undeclaredChannelsTakeAnything() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            JsonObject reply = client.call("publish", "{\"channel\":\"misc\",\"event\":\"created\",\"data\":{\"quantity\":\"many\"}}");
            assertThat(reply.containsKey("response")).as(reply.toString()).isTrue();
        }
    }

    @Test
    void aRefusedPublicationReachesNobody() {
        try (WsClient subscriber = WsClient.connect(Endpoints.stream(base));
             WsClient publisher = WsClient.connect(Endpoints.stream(base))) {
            subscriber.call("subscribe", "{\"channel\":\"orders.us\"}");
            publisher.call("publish", "{\"channel\":\"orders.us\",\"event\":\"created\",\"data\":{\"item\":\"\",\"quantity\":0}}");
            publisher.call("publish", "{\"channel\":\"orders.us\",\"event\":\"note.marker\",\"data\":\"marker\"}");
            assertThat(subscriber.next().getString("data")).isEqualTo("marker");
        }
    }
}
