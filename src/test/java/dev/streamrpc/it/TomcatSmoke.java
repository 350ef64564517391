package dev.streamrpc.it;

import dev.streamrpc.testing.Http;
import dev.streamrpc.testing.WsClient;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The protocol smoke test against a WAR deployed on another server; {@code .ci/tomcat-smoke}
 * deploys it on Tomcat 10.1 and runs this class with {@code -Dstreamrpc.url=ws://.../stream}.
 * It is not part of {@code mvn verify}, which has no Tomcat.
 */
class TomcatSmoke {

    private final URI stream = URI.create(System.getProperty("streamrpc.url", "ws://127.0.0.1:8080/streamrpc/stream"));

    @Test
    void theUnchangedWarSpeaksTheProtocol() throws Exception {
        try (WsClient subscriber = WsClient.connect(stream); WsClient publisher = WsClient.connect(stream)) {
            assertThat(subscriber.call("echo", "{\"a\":[1,true]}").toString())
                    .isEqualTo("{\"id\":\"r1\",\"method\":\"echo\",\"response\":{\"a\":[1,true]}}");
            assertThat(subscriber.call("subscribe", "{\"channel\":\"prices\",\"event\":\"trade.*\"}").getJsonObject("response").toString())
                    .isEqualTo("{\"subscribed\":{\"prices\":[\"trade.*\"]}}");
            publisher.call("publish", "{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
            assertThat(subscriber.nextText()).isEqualTo("{\"channel\":\"prices\",\"event\":\"trade.btc\",\"data\":{\"price\":1}}");
            assertThat(publisher.call("nope", "{}").toString()).isEqualTo("{\"id\":\"r2\",\"method\":\"nope\",\"error\":"
                    + "{\"message\":\"Invalid RPC parameters\",\"errors\":{\"method\":\"nope method not available\"}}}");
            subscriber.send("[1]");
            assertThat(subscriber.nextText()).isEqualTo("{\"error\":{\"message\":\"Malformed message; expected dictionary, got list\"}}");
        }
        try (WsClient binary = WsClient.connect(stream)) {
            binary.sendBinary(new byte[] {1, 2, 3});
            assertThat(binary.awaitClose().code()).isEqualTo(1003);
        }
        assertThat(Http.get(Http.beside(stream, "stream")).statusCode()).isEqualTo(400);
        assertThat(Http.get(Http.beside(stream, "health")).body()).contains("\"status\":\"UP\"");
    }
}
