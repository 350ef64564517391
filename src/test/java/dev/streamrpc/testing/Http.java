package dev.streamrpc.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Plain HTTP GETs for tests, with the JDK's client. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Http() {
    }

    public static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return CLIENT.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of one Prometheus series in {@code /metrics} beside {@code stream}; 0 when absent. */
    public static double metric(URI stream, String series) throws IOException, InterruptedException {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$")
                .matcher(get(beside(stream, "metrics")).body());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    /** The HTTP address of a path beside a {@code ws://.../stream} endpoint. */
    public static URI beside(URI stream, String path) {
        String http = "http" + stream.toString().substring("ws".length());
        return URI.create(http.substring(0, http.length() - "stream".length()) + path);
    }
}
