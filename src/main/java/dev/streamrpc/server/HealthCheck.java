package dev.streamrpc.server;

import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The container's health probe: exits 0 when {@code GET /health} on this host answers 200,
 * 1 otherwise. It needs only the JDK, so the runtime image needs no curl.
 *
 * <pre>java -cp streamrpc-server.jar dev.streamrpc.server.HealthCheck</pre>
 */
public final class HealthCheck {

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("PORT", Integer.toString(Options.DEFAULT_PORT));
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            System.exit(connection.getResponseCode() == 200 ? 0 : 1);
        } catch (Exception e) {
            System.exit(1);
        }
    }
}
