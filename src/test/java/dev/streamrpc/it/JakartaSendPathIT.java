package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The portable Jakarta send path ({@code stream.send-path=jakarta}), which other containers
 * use, inside {@code mvn verify} on Jetty: a fast subscriber gets every message in order, and
 * a slow one its 1008 close frame after the data already sent.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class JakartaSendPathIT extends SlowConsumerBehaviour {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("jakarta-send-path", new Class<?>[0],
                Stream.concat(Arrays.stream(SETTINGS), Stream.of("stream.send-path=jakarta")).toArray(String[]::new));
    }
}
