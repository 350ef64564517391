package dev.streamrpc.ops;

import dev.streamrpc.broker.Shard;
import dev.streamrpc.pubsub.SocketsManager;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.List;

/**
 * {@code GET /health}: {@code {"status":"UP","broker":"connected","connections":3}}, with
 * HTTP 503 and status {@code DOWN} while the broker is not connected or does not answer, or
 * the server is shutting down, so that a load balancer sends new clients elsewhere.
 */
@WebServlet("/health")
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The health report; {@code shards} only with a sharded broker (JSON-B leaves out null). */
    @JsonbPropertyOrder({"status", "broker", "connections", "shards"})
    public record Health(String status, String broker, int connections, List<Shard> shards) {
    }

    @Inject
    transient SocketsManager sockets;

    @Inject
    transient Jsonb jsonb;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String broker = sockets.stopping() ? "stopping" : sockets.brokerState();
        // Degraded (a Redis Cluster shard failing over): most channels work, so stay in the
        // load balancer's rotation rather than take every server out at once.
        String status = switch (broker) {
            case "connected" -> "UP";
            case "degraded" -> "DEGRADED";
            default -> "DOWN";
        };
        List<Shard> shards = sockets.brokerShards();
        response.setStatus(status.equals("DOWN") ? HttpServletResponse.SC_SERVICE_UNAVAILABLE : HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(jsonb.toJson(new Health(status, broker, sockets.connections(), shards.isEmpty() ? null : shards)));
    }
}
