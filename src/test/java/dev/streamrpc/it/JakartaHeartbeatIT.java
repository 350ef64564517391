package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;

import java.util.Arrays;
import java.util.stream.Stream;

/** Server pings on the portable Jakarta send path, whose pings block a closer thread while they are written. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JakartaHeartbeatIT extends HeartbeatBehaviour {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("jakarta-heartbeat", new Class<?>[0],
                Stream.concat(Arrays.stream(SETTINGS), Stream.of("stream.send-path=jakarta")).toArray(String[]::new));
    }

    @ArquillianResource
    URL base;

    @Override
    URI stream() {
        return Endpoints.stream(base);
    }
}
