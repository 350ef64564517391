package dev.streamrpc.testing;

import java.net.URI;
import java.net.URL;

/** The WebSocket address of a deployment, from the base URL Arquillian gives. */
public final class Endpoints {

    private Endpoints() {
    }

    public static URI stream(URL base) {
        String http = base.toString();
        String ws = "ws" + http.substring("http".length());
        return URI.create((ws.endsWith("/") ? ws : ws + "/") + "stream");
    }
}
