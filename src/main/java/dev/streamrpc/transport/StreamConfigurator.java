package dev.streamrpc.transport;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Creates endpoint instances with their CDI collaborators. Looking the bean up through
 * {@code CDI.current()} works on any Jakarta EE 10 container (Jetty, Tomcat) without
 * container-specific decorators.
 */
public class StreamConfigurator extends ServerEndpointConfig.Configurator {

    private volatile Connections connections;

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        Connections current = connections;
        if (current == null) {
            current = CDI.current().select(Connections.class).get();
            connections = current;
        }
        return endpointClass.cast(new StreamEndpoint(current));
    }
}
