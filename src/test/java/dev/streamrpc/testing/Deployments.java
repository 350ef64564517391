package dev.streamrpc.testing;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;

import java.io.File;

/**
 * The StreamRPC web app as Arquillian deploys it: the main packages, the WAR's descriptors,
 * and whatever fixture classes and settings a test adds.
 */
public final class Deployments {

    private static final String[] PACKAGES = {
        "dev.streamrpc.api", "dev.streamrpc.rpc", "dev.streamrpc.rpc.cdi", "dev.streamrpc.pubsub",
        "dev.streamrpc.broker", "dev.streamrpc.broker.memory", "dev.streamrpc.transport",
        "dev.streamrpc.broker.redis", "dev.streamrpc.config", "dev.streamrpc.demo", "dev.streamrpc.ops",
        "dev.streamrpc.discovery",
    };

    private Deployments() {
    }

    /** The application with these fixture classes and {@code key=value} settings. */
    public static WebArchive streamrpc(String name, Class<?>[] fixtures, String... settings) {
        WebArchive war = ShrinkWrap.create(WebArchive.class, name + ".war")
                .addPackages(false, PACKAGES)
                .addClasses(fixtures)
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/beans.xml"), "beans.xml")
                .addAsWebInfResource(new File("src/main/webapp/WEB-INF/jetty-web.xml"), "jetty-web.xml")
                .addAsResource(new File("src/main/resources/META-INF/services/jakarta.enterprise.inject.spi.Extension"),
                        "META-INF/services/jakarta.enterprise.inject.spi.Extension");
        if (settings.length > 0) {
            war.addAsResource(new StringAsset(String.join("\n", settings) + "\n"), "META-INF/microprofile-config.properties");
        }
        return war;
    }

    public static WebArchive streamrpc(String name, Class<?>... fixtures) {
        return streamrpc(name, fixtures, new String[0]);
    }
}
