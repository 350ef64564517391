package dev.streamrpc.discovery;

import dev.streamrpc.rpc.MethodRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.StringWriter;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Both discovery documents, written once at start-up from the method registry and the
 * channel declarations, and shared by {@code rpc.discover} and the HTTP servlet. The schemas
 * of all types are generated together, so that both documents hold the same
 * {@code components/schemas}.
 */
@ApplicationScoped
public class Discovery {

    private static final Logger LOG = LoggerFactory.getLogger(Discovery.class);

    @Inject
    MethodRegistry registry;

    @Inject
    ChannelCatalog channels;

    @Inject
    @ConfigProperty(name = "stream.api.title", defaultValue = "StreamRPC")
    String title;

    @Inject
    @ConfigProperty(name = "stream.api.version", defaultValue = "0.0.0")
    String version;

    @Inject
    @ConfigProperty(name = "stream.api.description", defaultValue = " ")
    String description;

    private JsonObject openRpc;
    private String openRpcText;
    private String asyncApiText;

    @PostConstruct
    void build() {
        long start = System.nanoTime();
        List<MethodContract> methods = MethodContract.of(registry.descriptors());
        List<ChannelDeclaration> declared = channels.declarations();
        Stream<Type> eventData = declared.stream().flatMap(channel -> channel.events().stream())
                .<Type>map(ChannelDeclaration.Event::data);
        List<Type> types = Stream.of(methods.stream().flatMap(MethodContract::types), eventData,
                Stream.<Type>of(Wire.ErrorBody.class, Wire.Gap.class)).flatMap(s -> s).distinct().toList();
        JsonSchemas.Generated schemas = new JsonSchemas().generate(types);
        ApiInfo info = new ApiInfo(title, version, description.trim());
        openRpc = OpenRpcDocument.build(info, methods, schemas);
        openRpcText = pretty(openRpc);
        asyncApiText = pretty(AsyncApiDocument.build(info, methods, declared, schemas));
        LOG.info("Discovery documents written in {} ms: {} methods, {} declared channels",
                (System.nanoTime() - start) / 1_000_000, methods.size(), declared.size());
    }

    /** Writes the documents at start-up rather than on the first request. */
    void eager(@Observes Startup startup) {
        openRpc();
    }

    /** The OpenRPC document, as {@code rpc.discover} answers it. */
    public JsonObject openRpc() {
        return openRpc;
    }

    /** The OpenRPC document as text, for {@code GET /openrpc.json}. */
    public String openRpcText() {
        return openRpcText;
    }

    /** The AsyncAPI document as text, for {@code GET /asyncapi.json}. */
    public String asyncApiText() {
        return asyncApiText;
    }

    private static String pretty(JsonObject document) {
        StringWriter text = new StringWriter();
        try (JsonWriter writer = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(text)) {
            writer.writeObject(document);
        }
        return text.toString();
    }
}
