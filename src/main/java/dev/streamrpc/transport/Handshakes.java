package dev.streamrpc.transport;

import dev.streamrpc.api.ConnectionAuthenticator;
import dev.streamrpc.api.HandshakeRefused;
import dev.streamrpc.pubsub.SocketsManager;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.security.Principal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The admission rules of a WebSocket handshake, applied by {@link HandshakeGuard} before the
 * upgrade: shutting down or full (503), origin (403), authentication (401/403). The principal
 * an authenticator returns is handed to {@link StreamConfigurator} under the handshake's
 * {@code Sec-WebSocket-Key}, because Jakarta WebSocket gives the configurator the request's
 * headers but not its attributes.
 */
@ApplicationScoped
public class Handshakes {

    /** The session user property that carries the authenticated principal. */
    static final String PRINCIPAL = "dev.streamrpc.principal";

    @Inject
    SocketsManager sockets;

    @Inject
    Instance<ConnectionAuthenticator> authenticators;

    @Inject
    @ConfigProperty(name = "stream.max-connections", defaultValue = "20000")
    int maxConnections;

    @Inject
    @ConfigProperty(name = "stream.allowed-origins", defaultValue = "self")
    String allowedOrigins;

    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    private Set<String> origins;
    private ConnectionAuthenticator authenticator;

    @PostConstruct
    void init() {
        origins = Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(o -> !o.isEmpty())
                .map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        authenticator = authenticators.isResolvable() ? authenticators.get() : null;
    }

    /** The outcome of a handshake: go on with a principal (null: anonymous), or an HTTP status. */
    record Admission(int status, String reason, Principal principal) {

        static Admission accept(Principal principal) {
            return new Admission(0, null, principal);
        }

        static Admission refuse(int status, String reason) {
            return new Admission(status, reason, null);
        }

        boolean accepted() {
            return status == 0;
        }
    }

    /** Decides whether the handshake may go on. */
    Admission admit(HttpServletRequest request) {
        if (sockets.stopping()) {
            return Admission.refuse(503, "shutting down");
        }
        if (sockets.connections() >= maxConnections) {
            return Admission.refuse(503, "too many connections");
        }
        if (!originAllowed(request.getHeader("Origin"), request.getHeader("Host"))) {
            return Admission.refuse(403, "origin not allowed");
        }
        if (authenticator == null) {
            return Admission.accept(null);
        }
        try {
            return Admission.accept(authenticator.authenticate(new ServletHandshake(request)));
        } catch (HandshakeRefused refused) {
            return Admission.refuse(refused.status(), refused.getMessage());
        }
    }

    /**
     * {@code *} allows any origin; {@code self} the page's own origin (the {@code Host} the
     * request was sent to); other entries are origins such as {@code https://app.example.com}.
     * A request without {@code Origin} is not from a browser page, so no page can be hijacking it.
     */
    boolean originAllowed(String origin, String host) {
        if (origin == null || origins.contains("*")) {
            return true;
        }
        String normalized = origin.toLowerCase(Locale.ROOT);
        if (origins.contains(normalized)) {
            return true;
        }
        if (origins.contains("self") && host != null) {
            try {
                URI uri = URI.create(normalized);
                String authority = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
                String expectedHost = host.toLowerCase(Locale.ROOT);
                return authority != null && (authority.equals(expectedHost) || defaultPort(uri, authority).equals(expectedHost));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    private static String defaultPort(URI uri, String authority) {
        if (uri.getPort() >= 0) {
            return authority;
        }
        return authority + ("https".equals(uri.getScheme()) ? ":443" : ":80");
    }

    void hold(String key, Principal principal) {
        if (key != null && principal != null) {
            principals.put(key, principal);
        }
    }

    Principal take(String key) {
        return key == null ? null : principals.remove(key);
    }

    void release(String key) {
        if (key != null) {
            principals.remove(key);
        }
    }
}
