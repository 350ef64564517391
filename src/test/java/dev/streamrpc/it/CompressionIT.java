package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.RawFrameClient;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stream.compression=true}: a client's offer of permessage-deflate is accepted, messages
 * travel compressed both ways, and the size limit applies to what a message inflates to.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CompressionIT {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("compression", new Class<?>[0], "stream.compression=true", "stream.max-message-bytes=1024");
    }

    @ArquillianResource
    URL base;

    @Test
    void anOfferedCompressionIsTakenAndCallsRoundTrip() throws Exception {
        try (RawFrameClient client = new RawFrameClient(Endpoints.stream(base), "permessage-deflate")) {
            assertThat(client.negotiatedExtensions()).containsExactly("permessage-deflate");
            String text = "ab".repeat(450);
            client.sendText(echo(text));
            assertThat(client.nextText()).isEqualTo("{\"id\":1,\"method\":\"echo\",\"response\":{\"s\":\"" + text + "\"}}");
        }
    }

    /** A message that compresses to a few hundred bytes but inflates past the limit closes with 1009. */
    @Test
    void aMessageThatInflatesPastTheLimitClosesWith1009() throws Exception {
        try (RawFrameClient client = new RawFrameClient(Endpoints.stream(base), "permessage-deflate")) {
            try {
                client.sendText(echo("x".repeat(100_000)));
            } catch (ExecutionException closedWhileSending) {
                // the server may close before the client has written the last of its frames
            }
            assertThat(client.awaitCloseCode()).isEqualTo(1009);
        }
    }

    private static byte[] echo(String text) {
        return ("{\"id\":1,\"method\":\"echo\",\"payload\":{\"s\":\"" + text + "\"}}").getBytes(StandardCharsets.UTF_8);
    }
}
