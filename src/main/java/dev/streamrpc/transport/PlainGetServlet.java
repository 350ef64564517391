package dev.streamrpc.transport;

import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Map;

/**
 * Answers a plain HTTP request to {@code /stream} (no WebSocket upgrade) with 400 and a JSON
 * body. Upgrade requests never reach it: {@link HandshakeGuard} refuses or admits them, and
 * the container's WebSocket filter upgrades the admitted ones before the servlet.
 */
@WebServlet("/stream")
public class PlainGetServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Inject
    transient Jsonb jsonb;

    private String body;

    @Override
    public void init() {
        body = jsonb.toJson(Map.of("message", "Unable to open websocket connection"));
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(body);
    }
}
