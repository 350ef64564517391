package dev.streamrpc.transport;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may open a connection ({@code stream.allowed-origins}): a
 * comma-separated list of origins such as {@code https://app.example.com}; {@code *} allows
 * any; {@code self} allows the page's own origin (the {@code Host} the request was sent to).
 * A request without {@code Origin} is not from a browser page, so no page can be hijacking
 * a user's credentials with it; it is allowed.
 */
final class OriginPolicy {

    private static final String SELF = "self";
    private static final Set<String> WEB_SCHEMES = Set.of("http", "https");

    private final Set<String> origins;

    OriginPolicy(String allowedOrigins) {
        origins = Arrays.stream(allowedOrigins.split(",")).map(String::trim).filter(o -> !o.isEmpty())
                .map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    boolean allows(String origin, String host) {
        if (origin == null || origins.contains("*")) {
            return true;
        }
        String normalized = origin.toLowerCase(Locale.ROOT);
        // "self" names a rule, not an origin: a request that sends it literally is not let through by it.
        return !normalized.equals(SELF) && origins.contains(normalized)
                || origins.contains(SELF) && host != null && sameHost(normalized, host);
    }

    private static boolean sameHost(String origin, String host) {
        try {
            URI uri = URI.create(origin);
            // A page is served over http or https; ws:, ftp: and the like are no page's origin.
            if (uri.getHost() == null || !WEB_SCHEMES.contains(uri.getScheme())) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String expected = host.toLowerCase(Locale.ROOT);
            return expected.equals(uri.getHost() + ":" + port) || uri.getPort() < 0 && expected.equals(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
