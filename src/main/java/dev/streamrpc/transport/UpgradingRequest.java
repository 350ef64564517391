package dev.streamrpc.transport;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.Principal;

/**
 * The handshake request as the container's WebSocket upgrade sees it, which lets go of the
 * HTTP exchange once the connection is upgraded.
 *
 * <p>Why: Jetty's Jakarta WebSocket session keeps the request its upgrade filter was given for
 * as long as the connection lives, to answer {@code getRequestURI()} and the like, and with it
 * the whole HTTP/1 exchange (connection, parser, request and response, headers, attributes):
 * about 4.6 KB of heap per open connection, a third of an idle one's. After
 * {@link #upgraded()} this wrapper delegates to a small copy of what those calls read, and
 * the exchange can be collected. Anything else asked of it then fails with
 * {@link IllegalStateException}: the HTTP request is over.
 *
 * <p>So whatever needs the HTTP request reads it during the handshake: a
 * {@code HandshakeRequest} kept past {@code modifyHandshake} would fail on
 * {@code getHttpSession()} or {@code isUserInRole()} later. Nothing here keeps one:
 * {@link StreamConfigurator} copies the principal into the session's properties. Only
 * handshakes on {@code /stream} are wrapped (see {@link ServletSetup}); other endpoints of the
 * same web application are untouched.
 */
final class UpgradingRequest extends HttpServletRequestWrapper {

    UpgradingRequest(HttpServletRequest request) {
        super(request);
    }

    /**
     * The upgrade is done: from now on only the request's URI, paths, query and principal are
     * answered. Another thread may still read the delegate it saw before; it was valid.
     */
    void upgraded() {
        HttpServletRequest request = (HttpServletRequest) getRequest();
        Kept kept = new Kept(request.getRequestURI(), request.getContextPath(), request.getServletPath(),
                request.getPathInfo(), request.getQueryString(), request.getUserPrincipal());
        setRequest((HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, kept));
    }

    /** The getters Jetty's session calls after the upgrade (see {@code JakartaServerUpgradeRequest}). */
    private record Kept(String requestUri, String contextPath, String servletPath, String pathInfo, String queryString,
                        Principal userPrincipal) implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return switch (method.getName()) {
                case "getRequestURI" -> requestUri;
                case "getContextPath" -> contextPath;
                case "getServletPath" -> servletPath;
                case "getPathInfo" -> pathInfo;
                case "getQueryString" -> queryString;
                case "getUserPrincipal" -> userPrincipal;
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                case "toString" -> "upgraded request " + requestUri;
                default -> throw new IllegalStateException(
                        method.getName() + ": the HTTP request of this WebSocket connection ended with its upgrade");
            };
        }
    }
}
