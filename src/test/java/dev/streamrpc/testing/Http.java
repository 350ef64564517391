package dev.streamrpc.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP GETs for tests, with the JDK's client. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Http() {
    }

    public static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP address of a path beside a {@code ws://.../stream} endpoint. */
    public static URI beside(URI stream, String path) {
        String http = "http" + stream.toString().substring("ws".length());
        return URI.create(http.substring(0, http.length() - "stream".length()) + path);
    }
}
