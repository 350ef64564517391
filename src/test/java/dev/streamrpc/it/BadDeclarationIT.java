package dev.streamrpc.it;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.Deployments;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.container.test.api.ShouldThrowException;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Two beans that claim the same RPC name: the deployment must fail. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadDeclarationIT {

    @ApplicationScoped
    public static class First {
        @RpcMethod("clash")
        public String one() {
            return "one";
        }
    }

    @ApplicationScoped
    public static class Second {
        @RpcMethod
        public String clash() {
            return "two";
        }
    }

    @Deployment
    @ShouldThrowException
    static WebArchive app() {
        return Deployments.streamrpc("bad", First.class, Second.class);
    }

    @Test
    void theDeploymentFails() {
        // Arquillian passes this test only if deploying the archive above threw. The adapter
        // wraps the cause, so the message (naming both methods) is checked by MethodTableBuilderTest.
    }
}
