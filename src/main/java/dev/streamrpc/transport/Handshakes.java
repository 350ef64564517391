package dev.streamrpc.transport;

import dev.streamrpc.api.ConnectionAuthenticator;
import dev.streamrpc.api.HandshakeRefused;
import dev.streamrpc.config.Settings;
import dev.streamrpc.pubsub.SocketsManager;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;

import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

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
    Settings settings;

    private final Map<String, Principal> principals = new ConcurrentHashMap<>();
    /**
     * Handshakes admitted and not yet through the upgrade. They hold places under the connection
     * limit, so that handshakes admitted together (an authenticator that takes a while lets many
     * in at once) cannot pass it: only those upgraded in the same instant, between the end of
     * their upgrade and their connection's registration, can.
     */
    private final AtomicInteger handshaking = new AtomicInteger();
    private OriginPolicy origins;
    private ConnectionAuthenticator authenticator;

    @PostConstruct
    void init() {
        origins = new OriginPolicy(settings.allowedOrigins());
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

    /**
     * Decides whether the handshake may go on. One admitted holds a place under the connection
     * limit until {@link #finished} is called for it.
     */
    Admission admit(HttpServletRequest request) {
        if (sockets.stopping()) {
            return Admission.refuse(503, "shutting down");
        }
        if (!takePlace()) {
            return Admission.refuse(503, "too many connections");
        }
        boolean admitted = false;
        try {
            Admission admission = check(request);
            admitted = admission.accepted();
            return admission;
        } finally {
            if (!admitted) {
                handshaking.decrementAndGet();
            }
        }
    }

    /** An admitted handshake is through the upgrade (or failed it): its connection, if any, counts itself from now on. */
    void finished() {
        handshaking.decrementAndGet();
    }

    private boolean takePlace() {
        while (true) {
            int underWay = handshaking.get();
            if (sockets.connections() + underWay >= settings.maxConnections()) {
                return false;
            }
            if (handshaking.compareAndSet(underWay, underWay + 1)) {
                return true;
            }
        }
    }

    private Admission check(HttpServletRequest request) {
        if (!origins.allows(request.getHeader("Origin"), request.getHeader("Host"))) {
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
