package dev.streamrpc.transport;

import dev.streamrpc.pubsub.SocketsManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.util.EnumSet;

/**
 * Sets the web application up for StreamRPC when it starts.
 *
 * <p>It puts {@link HandshakeGuard} in front of the container's WebSocket upgrade. A filter
 * declared by annotation would run after it (Jetty inserts its upgrade filter first), so this
 * listener adds the guard with {@code isMatchAfter = false}, which places it before the
 * filters already mapped, on Jetty and Tomcat alike.
 *
 * <p>It also publishes the hub's stop as the context attribute {@value #DRAIN} (a
 * {@code Runnable}), so that a launcher can drain connections while the application still
 * answers requests (new handshakes get 503), before it stops the application. Containers
 * that do not know it stop the hub when the application stops.
 */
@WebListener
public class ServletSetup implements ServletContextListener {

    /** The context attribute holding the drain hook. */
    public static final String DRAIN = "dev.streamrpc.drain";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Handshakes handshakes = CDI.current().select(Handshakes.class).get();
        SocketsManager sockets = CDI.current().select(SocketsManager.class).get();
        TransportStats stats = CDI.current().select(Transport.class).get().stats();
        event.getServletContext().addFilter("streamrpc-handshake-guard", new HandshakeGuard(handshakes, stats))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/stream");
        Runnable drain = sockets::stop;
        event.getServletContext().setAttribute(DRAIN, drain);
    }
}
