package dev.streamrpc.it;

import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.StartupFailures;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.spi.DefinitionException;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jboss.arquillian.container.spi.client.container.DeploymentException;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad RPC declarations fail the deployment with a definition error naming the method. */
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

    /** Its context is never active while a WebSocket message is handled: every call would fail. */
    @RequestScoped
    public static class PerRequest {
        @RpcMethod
        public String perRequest() {
            return "never";
        }
    }

    /** Annotated as a whole, as if that made each method an RPC method. */
    @RpcMethod
    @ApplicationScoped
    public static class Annotated {
        public String hello() {
            return "hello";
        }
    }

    /**
     * A deployment that starts, so that Arquillian has a running container to deploy into. Not
     * testable: Arquillian would add this test class, with the clashing beans nested in it.
     */
    @Deployment(name = "good", testable = false)
    static WebArchive good() {
        return Deployments.streamrpc("good");
    }

    /**
     * Deployed by the test itself, so that the test can look at the failure (Arquillian's
     * {@code @ShouldThrowException} passes on any failure at all).
     */
    @Deployment(name = "bad", managed = false)
    static WebArchive bad() {
        return Deployments.streamrpc("bad", First.class, Second.class);
    }

    @Deployment(name = "request-scoped", managed = false)
    static WebArchive requestScoped() {
        return Deployments.streamrpc("request-scoped", PerRequest.class);
    }

    @Deployment(name = "annotated-class", managed = false)
    static WebArchive annotatedClass() {
        return Deployments.streamrpc("annotated-class", Annotated.class);
    }

    @ArquillianResource
    Deployer deployer;

    @Test
    void twoMethodsClaimingOneNameFailTheDeploymentWithADefinitionErrorNamingBoth() {
        assertThatThrownBy(() -> deployer.deploy("bad"))
                .isInstanceOf(DeploymentException.class).hasMessage("Could not deploy bad.war");
        String first = First.class.getName() + "#one";
        String second = Second.class.getName() + "#clash";
        // Weld gathers every definition error of the deployment into one exception.
        assertThat(StartupFailures.of("bad.war")).get(InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(DefinitionException.class)
                .message().containsOnlyOnce("Duplicate RPC method name")
                .containsAnyOf("Duplicate RPC method name 'clash': " + first + " and " + second,
                        "Duplicate RPC method name 'clash': " + second + " and " + first);
    }

    @Test
    void anRpcMethodOnARequestScopedBeanFailsTheDeploymentInsteadOfEveryCall() {
        assertThatThrownBy(() -> deployer.deploy("request-scoped"))
                .isInstanceOf(DeploymentException.class).hasMessage("Could not deploy request-scoped.war");
        assertThat(StartupFailures.of("request-scoped.war")).get(InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(DefinitionException.class)
                .message().contains("RPC method " + PerRequest.class.getName() + "#perRequest is on a @RequestScoped bean");
    }

    @Test
    void aBeanClassAnnotatedRpcMethodFailsTheDeployment() {
        // It deployed with no RPC method, and StreamRPC's interceptors broke every call of its
        // methods from Java (the metrics interceptor looked for the method's own annotation).
        assertThatThrownBy(() -> deployer.deploy("annotated-class"))
                .isInstanceOf(DeploymentException.class).hasMessage("Could not deploy annotated-class.war");
        assertThat(StartupFailures.of("annotated-class.war")).get(InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(DefinitionException.class)
                .message().contains("Bean class " + Annotated.class.getName() + " is annotated @RpcMethod");
    }
}
