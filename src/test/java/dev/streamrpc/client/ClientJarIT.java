package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import jakarta.json.Json;
import jakarta.json.bind.JsonbBuilder;
import org.eclipse.parsson.JsonProviderImpl;
import org.eclipse.yasson.YassonJsonb;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** target/streamrpc-client.jar holds the client alone, and works with nothing but JSON-B and Yasson beside it. */
class ClientJarIT {

    private static final Path JAR = Path.of(System.getProperty("streamrpc.server.jar", "target/streamrpc-server.jar"))
            .resolveSibling("streamrpc-client.jar");

    @Test
    void theJarHoldsOnlyTheClientsClasses() throws Exception {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> classes = jar.stream().map(entry -> entry.getName()).filter(name -> name.endsWith(".class")).toList();
            assertThat(classes).contains("dev/streamrpc/client/StreamClient.class")
                    .allSatisfy(name -> assertThat(name).startsWith("dev/streamrpc/client/"));
        }
    }

    @Test
    void aProgramWithOnlyTheClientJarAndJsonbOnItsClassPathTalksToTheServer() throws Exception {
        String classPath = Stream.concat(Stream.of(JAR), Stream.of(Json.class, JsonProviderImpl.class, JsonbBuilder.class, YassonJsonb.class)
                        .map(ClientJarIT::jarOf))
                .map(Path::toString).reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
        Path source = Path.of(ClientJarIT.class.getResource("/client-jar/ClientSmoke.java").toURI());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ServerProcess server = new ServerProcess(Map.of())) {
            Process program = new ProcessBuilder(java, "-cp", classPath, source.toString(), server.uri().toString())
                    .redirectErrorStream(true).start();
            assertThat(program.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(program.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(output).isEqualTo("{\"ok\":true} hello {\"from\":\"jar\"}\n");
            assertThat(program.exitValue()).isZero();
        }
    }

    private static Path jarOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
