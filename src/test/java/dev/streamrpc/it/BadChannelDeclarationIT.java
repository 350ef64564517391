package dev.streamrpc.it;

import dev.streamrpc.api.StreamChannel;
import dev.streamrpc.testing.Deployments;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.ShouldThrowException;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A channel declared with a malformed name pattern: the deployment must fail. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadChannelDeclarationIT {

    @ApplicationScoped
    @StreamChannel(name = "orders.[eu")
    public static class Unclosed {
    }

    @Deployment
    @ShouldThrowException
    static WebArchive app() {
        return Deployments.streamrpc("bad-channel", Unclosed.class);
    }

    @Test
    void theDeploymentFails() {
        // Passes only if deploying the archive threw; ChannelDeclarationsTest checks the messages.
    }
}
