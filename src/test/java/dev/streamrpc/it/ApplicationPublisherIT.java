package dev.streamrpc.it;

import dev.streamrpc.api.ChannelActivated;
import dev.streamrpc.api.ChannelDeactivated;
import dev.streamrpc.api.ConnectionClosed;
import dev.streamrpc.api.ConnectionOpened;
import dev.streamrpc.api.Publisher;
import dev.streamrpc.api.RpcMethod;
import dev.streamrpc.testing.Deployments;
import dev.streamrpc.testing.Endpoints;
import dev.streamrpc.testing.WsClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Application code publishes through an injected {@link Publisher}, and observes the
 * connection and channel lifecycle as CDI events.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ApplicationPublisherIT {

    /** A plain servlet of the application, as a JAX-RS resource or a job would be. */
    @WebServlet("/announce")
    public static class AnnounceServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Inject
        transient Publisher publisher;

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) {
            publisher.publish(request.getParameter("channel"), "note", Map.of("text", request.getParameter("text")));
            response.setStatus(204);
        }
    }

    /** Records the lifecycle events it observes, and reports them over RPC. */
    @ApplicationScoped
    public static class Journal {
        private final List<String> entries = new CopyOnWriteArrayList<>();

        void opened(@Observes ConnectionOpened event) {
            entries.add("opened");
        }

        void closed(@Observes ConnectionClosed event) {
            entries.add("closed");
        }

        void activated(@Observes ChannelActivated event) {
            entries.add("activated " + event.channel());
        }

        void deactivated(@Observes ChannelDeactivated event) {
            entries.add("deactivated " + event.channel());
        }

        @RpcMethod
        public List<String> journal() {
            return entries;
        }
    }

    @Deployment
    static WebArchive app() {
        return Deployments.streamrpc("app", AnnounceServlet.class, Journal.class);
    }

    @ArquillianResource
    URL base;

    @Test
    void subscribersCannotTellAnApplicationsMessageFromAClients() throws Exception {
        try (WsClient subscriber = WsClient.connect(Endpoints.stream(base)); WsClient client = WsClient.connect(Endpoints.stream(base))) {
            subscriber.call("subscribe", "{\"channel\":\"alerts\"}");
            HttpResponse<String> posted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "announce?channel=alerts&text=hi")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).isEqualTo(204);
            String fromApplication = subscriber.nextText();

            client.call("publish", "{\"channel\":\"alerts\",\"event\":\"note\",\"data\":{\"text\":\"hi\"}}");
            String fromClient = subscriber.nextText();

            assertThat(fromApplication).isEqualTo("{\"channel\":\"alerts\",\"event\":\"note\",\"data\":{\"text\":\"hi\"}}");
            assertThat(fromApplication).isEqualTo(fromClient);
        }
    }

    @Test
    void lifecycleEventsReachObservers() {
        try (WsClient observer = WsClient.connect(Endpoints.stream(base))) {
            WsClient client = WsClient.connect(Endpoints.stream(base));
            client.call("subscribe", "{\"channel\":\"life\"}");
            client.close();
            // The channel applies the leave on whichever thread holds its queue at the time, so its
            // deactivation may come before or after the connection's closing: neither order is promised.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                    observer.call("journal", "{}").getJsonArray("response").getValuesAs(jakarta.json.JsonString::getString))
                    .containsSubsequence("opened", "opened", "activated life", "deactivated life")
                    .containsSubsequence("opened", "opened", "closed"));
        }
    }
}
