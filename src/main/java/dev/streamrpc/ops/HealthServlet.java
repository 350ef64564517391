package dev.streamrpc.ops;

import dev.streamrpc.pubsub.SocketsManager;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /health}: {@code {"status":"UP","broker":"connected","connections":3}}, with
 * HTTP 503 and status {@code DOWN} while the broker is not connected or the server is
 * shutting down, so that a load balancer sends new clients elsewhere.
 */
@WebServlet("/health")
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    /** The health report. */
    @JsonbPropertyOrder({"status", "broker", "connections"})
    public record Health(String status, String broker, int connections) {
    }

    @Inject
    transient SocketsManager sockets;

    @Inject
    transient Jsonb jsonb;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String broker = sockets.stopping() ? "stopping" : sockets.brokerState();
        boolean up = broker.equals("connected");
        response.setStatus(up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(jsonb.toJson(new Health(up ? "UP" : "DOWN", broker, sockets.connections())));
    }
}
