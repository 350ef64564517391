package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;

/** The slow consumer on Jetty's send path (frames through Jetty's core session, batched writes). */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SlowConsumerIT extends SlowConsumerBehaviour {

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("slow", new Class<?>[0], SETTINGS);
    }
}
