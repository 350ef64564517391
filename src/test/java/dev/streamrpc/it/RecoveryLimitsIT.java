package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.json.JsonObject;
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
 * What cannot be recovered says why: too old or too many since (history of 5), or more than
 * {@code stream.history.max-recovery} (3) publications.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RecoveryLimitsIT {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("recovery-limits", new Class<?>[0], "stream.history.size=5", "stream.history.max-recovery=3");
    }

    @ArquillianResource
    URL base;

    private static JsonObject resume(WsClient client, String channel, String epoch, long offset) {
        return client.call("subscribe", "{\"channel\":\"" + channel + "\",\"since\":{\"epoch\":\"" + epoch + "\",\"offset\":" + offset + "}}")
                .getJsonObject("response");
    }

    @Test
    void trimmedAndLimitAreTheReasonsAndNothingIsSent() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            String epoch = client.call("subscribe", "{\"channel\":\"lim\",\"position\":true}").getJsonObject("response")
                    .getJsonObject("position").getString("epoch");
            for (int i = 1; i <= 10; i++) {
                client.call("publish", "{\"channel\":\"lim\",\"data\":" + i + "}");
            }
            JsonObject trimmed = resume(client, "lim", epoch, 2);
            assertThat(trimmed.getBoolean("recovered")).isFalse();
            assertThat(trimmed.getString("reason")).isEqualTo("trimmed");
            assertThat(trimmed.getJsonArray("publications")).isEmpty();
            JsonObject limit = resume(client, "lim", epoch, 6);
            assertThat(limit.getString("reason")).isEqualTo("limit");
            assertThat(resume(client, "lim", epoch, 7).getJsonArray("publications")).hasSize(3);
        }
    }
}
