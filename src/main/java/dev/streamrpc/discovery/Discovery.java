package dev.streamrpc.discovery;

import dev.streamrpc.rpc.MethodRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import dev.streamrpc.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.StringWriter;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Both discovery documents, written once from the method registry and the channel
 * declarations, and shared by {@code rpc.discover} and the HTTP servlet. The schemas of all
 * types are generated together, so that both documents hold the same
 * {@code components/schemas}.
 *
 * <p>Writing starts at start-up on a thread of its own: it takes about a second on a cold JVM
 * (mostly loading the schema generator's classes), which the server's start need not wait
 * for. Until it is done, {@code rpc.discover} replies later and the servlet waits.
 */
@ApplicationScoped
public class Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    /** The documents, as they are served. */
    private record Documents(JsonObject openRpc, String openRpcText, String asyncApiText) {
    }

    @Inject
    MethodRegistry registry;

    @Inject
    ChannelCatalog channels;

    @Inject
    Settings settings;

    private final AtomicBoolean started = new AtomicBoolean();
    private final CompletableFuture<Documents> documents = new CompletableFuture<>();

    void start(@Observes Startup startup) {
        documents();
    }

    /** The OpenRPC document, as {@code rpc.discover} answers it. */
    public CompletionStage<JsonObject> openRpc() {
        return documents().thenApply(Documents::openRpc);
    }

    /** The OpenRPC document as text, for {@code GET /openrpc.json}. */
    public String openRpcText() {
        return documents().join().openRpcText();
    }

    /** The AsyncAPI document as text, for {@code GET /asyncapi.json}. */
    public String asyncApiText() {
        return documents().join().asyncApiText();
    }

    private CompletableFuture<Documents> documents() {
        if (started.compareAndSet(false, true)) {
            // A new thread inherits the web application's context class loader, which JSON-P needs.
            Thread writer = new Thread(this::write, "discovery");
            writer.setDaemon(true);
            writer.start();
        }
        return documents;
    }

    private void write() {
        try {
            long start = System.nanoTime();
            List<MethodContract> methods = MethodContract.of(registry.descriptors());
            List<ChannelDeclaration> declared = channels.declarations();
            Stream<Type> eventData = declared.stream().flatMap(channel -> channel.events().stream())
                    .<Type>map(ChannelDeclaration.Event::data);
            List<Type> types = Stream.of(methods.stream().flatMap(MethodContract::types), eventData,
                    Stream.<Type>of(Wire.ErrorBody.class, Wire.Gap.class)).flatMap(s -> s).distinct().toList();
            JsonSchemas.Generated schemas = new JsonSchemas().generate(types);
            ApiInfo info = new ApiInfo(settings.apiTitle(), settings.apiVersion(), settings.apiDescription());
            JsonObject openRpc = OpenRpcDocument.build(info, methods, schemas);
            documents.complete(new Documents(openRpc, pretty(openRpc), pretty(AsyncApiDocument.build(info, methods, declared, schemas))));
            LOG.info("Discovery documents written in {} ms: {} methods, {} declared channels",
                    (System.nanoTime() - start) / 1_000_000, methods.size(), declared.size());
        } catch (RuntimeException | LinkageError e) {
            // The server works without its documents; rpc.discover answers Internal server error.
            LOG.error("Discovery documents could not be written", e);
            documents.completeExceptionally(e);
        }
    }

    private static String pretty(JsonObject document) {
        StringWriter text = new StringWriter();
        try (JsonWriter writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(text)) {
            writer.writeObject(document);
        }
        return text.toString();
    }
}
