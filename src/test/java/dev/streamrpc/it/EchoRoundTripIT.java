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

@ExtendWith(ArquillianExtension.class)
@RunAsClient
class EchoRoundTripIT {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("echo");
    }

    @ArquillianResource
    URL base;

    @Test
    void echoAnswersWithThePayload() {
        try (WsClient client = WsClient.connect(Endpoints.stream(base))) {
            JsonObject reply = client.call("echo", "{\"a\":[1,2]}");
            assertThat(reply.toString()).isEqualTo("{\"id\":\"r1\",\"method\":\"echo\",\"response\":{\"a\":[1,2]}}");
        }
    }
}
