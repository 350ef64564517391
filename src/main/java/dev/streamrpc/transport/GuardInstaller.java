package dev.streamrpc.transport;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

import java.util.EnumSet;

/**
 * Puts {@link HandshakeGuard} in front of the container's WebSocket upgrade. A filter
 * declared by annotation would run after it (Jetty inserts its upgrade filter first), so this
 * listener adds the guard with {@code isMatchAfter = false}, which places it before the
 * filters already mapped, on Jetty and Tomcat alike.
 */
@WebListener
public class GuardInstaller implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        Handshakes handshakes = CDI.current().select(Handshakes.class).get();
        event.getServletContext().addFilter("streamrpc-handshake-guard", new HandshakeGuard(handshakes))
                .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/stream");
    }
}
