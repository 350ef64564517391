package dev.streamrpc.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Error pages on a real Jetty with the embedded server's error handler: a servlet's uncaught
 * exception shows neither its class nor its message, and a client error keeps its message.
 */
class QuietErrorPagesTest {

    /** Fails the way application code can: an exception nobody catches, or a refusal of the request. */
    public static class Failing extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            if (request.getRequestURI().endsWith("/bad")) {
                response.sendError(400, "Missing parameter 'q'");
                return;
            }
            throw new IllegalStateException("secret detail of dev.streamrpc.Internal");
        }
    }

    private final Server server = new Server();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new Failing()), "/*");
        context.setErrorHandler(new QuietErrorPages());
        server.setHandler(context);
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        int port = ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aServerErrorShowsTheStatusOnly() throws Exception {
        for (String accept : new String[] {"text/html", "text/plain", "application/json"}) {
            HttpResponse<String> page = get("/boom", accept);
            assertThat(page.statusCode()).isEqualTo(500);
            assertThat(page.body()).as(accept).contains("Server Error")
                    .doesNotContain("IllegalStateException", "secret detail", "dev.streamrpc", "\tat ", "CAUSED BY", "Failing");
        }
    }

    @Test
    void aClientErrorKeepsItsMessage() throws Exception {
        HttpResponse<String> page = get("/bad", "text/html");
        assertThat(page.statusCode()).isEqualTo(400);
        assertThat(page.body()).contains("Missing parameter &apos;q&apos;");
    }
}
