package dev.streamrpc.testing;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the server's {@code /metrics} (Prometheus text) beside a {@code ws://.../stream} endpoint. */
public final class Metrics {

    private Metrics() {
    }

    /** The value of one series, such as {@code streamrpc_connections}; 0 when the server has none yet. */
    public static double value(URI stream, String series) throws Exception {
        HttpResponse<String> scrape = Http.get(Http.beside(stream, "metrics"));
        if (scrape.statusCode() != 200) {
            throw new AssertionError("/metrics answered " + scrape.statusCode());
        }
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape.body());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }
}
