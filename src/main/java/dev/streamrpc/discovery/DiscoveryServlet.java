package dev.streamrpc.discovery;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * {@code GET /openrpc.json} (what {@code rpc.discover} answers) and {@code GET /asyncapi.json},
 * both written once at start-up.
 */
@WebServlet({DiscoveryServlet.OPENRPC, DiscoveryServlet.ASYNCAPI})
public class DiscoveryServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String OPENRPC = "/openrpc.json";
    static final String ASYNCAPI = "/asyncapi.json";

    @Inject
    transient Discovery discovery;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(request.getServletPath().equals(OPENRPC) ? discovery.openRpcText() : discovery.asyncApiText());
    }
}
