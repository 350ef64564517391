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

/** Server pings on Jetty's core send path. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HeartbeatIT extends HeartbeatBehaviour {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("heartbeat", new Class<?>[0], SETTINGS);
    }

    @ArquillianResource
    URL base;

    @Override
    URI stream() {
        return Endpoints.stream(base);
    }
}
