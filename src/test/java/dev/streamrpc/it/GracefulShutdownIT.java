package dev.streamrpc.it;

import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Undeploying the application closes every connection with 1001 and the server's own reason,
 * {@code Server shutting down}: Jetty's session tracker closes with 1001 too, but with
 * another reason, so the reason tells whether StreamRPC closed the connections itself.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class GracefulShutdownIT {

    /**
     * A deployment that stays up, so that Arquillian tells us the server's address. Nothing
     * connects to it: under Arquillian both deployments load StreamRPC's classes from the test
     * class path, so {@code CDI.current()} cannot tell their containers apart (in a real server
     * each WAR has its own class loader).
     */
    @Deployment(name = "bystander")
    static WebArchive bystander() {
        return Deployments.streamrpc("bystander");
    }

    /** The one this test undeploys. */
    @Deployment(name = "leaving", managed = false)
    static WebArchive leaving() {
        return Deployments.streamrpc("leaving");
    }

    @ArquillianResource
    Deployer deployer;

    @ArquillianResource
    URL base;

    @Test
    void undeployingClosesEveryConnectionWith1001ServerShuttingDown() throws Exception {
        deployer.deploy("leaving");
        URL leaving = new URL(base, "/leaving/");
        try (WsClient first = WsClient.connect(Endpoints.stream(leaving));
             WsClient second = WsClient.connect(Endpoints.stream(leaving))) {
            first.call("subscribe", "{\"channel\":\"news\"}");
            second.call("echo", "{}");
            deployer.undeploy("leaving");
            assertThat(first.awaitClose()).isEqualTo(new WsClient.Close(1001, "Server shutting down"));
            assertThat(second.awaitClose()).isEqualTo(new WsClient.Close(1001, "Server shutting down"));
        }
    }
}
