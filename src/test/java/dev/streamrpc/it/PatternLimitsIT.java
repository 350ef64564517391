package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
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
 * A client cannot buy unbounded work with a pattern: matching costs at most the product of
 * the pattern's and the event's lengths, and both are capped at 256 characters.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PatternLimitsIT {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("patterns");
    }

    @ArquillianResource
    URL base;

    @Test
    void aPatternThatWouldBacktrackForeverIsMatchedAtOnceAndEveryoneIsServed() {
        String pattern = "*a".repeat(100) + "b";           // a backtracking regex never finishes on this
        String event = "a".repeat(256);
        try (WsClient attacker = WsClient.connect(Endpoints.stream(base)); WsClient bystander = WsClient.connect(Endpoints.stream(base))) {
            attacker.call("subscribe", "{\"channel\":\"trap\",\"event\":\"" + pattern + "\"}");
            attacker.call("subscribe", "{\"channel\":\"trap\",\"event\":\"marker\"}");
            for (int i = 0; i < 20; i++) {
                assertThat(attacker.call("publish", "{\"channel\":\"trap\",\"event\":\"" + event + "\",\"data\":" + i + "}")
                        .containsKey("response")).isTrue();
            }
            bystander.call("publish", "{\"channel\":\"trap\",\"event\":\"marker\",\"data\":\"m\"}");
            assertThat(attacker.next().getString("event")).as("nothing matched the trap; the marker came").isEqualTo("marker");
            assertThat(bystander.call("echo", "{\"still\":\"served\"}").getJsonObject("response").getString("still")).isEqualTo("served");
        }
    }

    @Test
    void patternsAndEventNamesLongerThan256CharactersAreRefused() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            assertThat(client.call("subscribe", "{\"channel\":\"long\",\"event\":\"" + "x".repeat(257) + "\"}").getJsonObject("error").toString())
                    .isEqualTo("{\"message\":\"Invalid RPC parameters\",\"errors\":{\"event\":\"Invalid event pattern\"}}");
            assertThat(client.call("publish", "{\"channel\":\"long\",\"event\":\"" + "x".repeat(257) + "\",\"data\":1}").getJsonObject("error").toString())
                    .isEqualTo("{\"message\":\"Invalid RPC parameters\",\"errors\":{\"event\":\"Invalid event\"}}");
            assertThat(client.call("subscribe", "{\"channel\":\"long\",\"event\":\"" + "é".repeat(256) + "\"}").containsKey("response"))
                    .as("256 characters are fine, whatever their bytes").isTrue();
            assertThat(client.call("publish", "{\"channel\":\"long\",\"event\":\"" + "é".repeat(256) + "\",\"data\":1}").containsKey("response")).isTrue();
        }
    }
}
