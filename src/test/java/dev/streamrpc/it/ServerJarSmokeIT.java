package dev.streamrpc.it;

import dev.streamrpc.testing.WsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar target/streamrpc-server.jar} as a user runs it: a separate process with a
 * setting from the environment, a round trip, then SIGTERM, which closes the client with 1001.
 */
class ServerJarSmokeIT {

    private static final Pattern READY = Pattern.compile("StreamRPC ready in (\\d+) ms at (ws://\\S+)");

    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    @Test
    void theJarStartsReadsTheEnvironmentServesRequestsAndStopsCleanlyOnSigterm() throws Exception {
        Path jar = Path.of(System.getProperty("streamrpc.server.jar", "target/streamrpc-server.jar"));
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder command = new ProcessBuilder(java, "-jar", jar.toString(), "--port", "0").redirectErrorStream(true);
        // Settings come from the environment too, as in Docker.
        command.environment().put("STREAM_MAX_SUBSCRIPTIONS", "1");
        server = command.start();
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    output.append(line).append('\n');
                    Matcher matcher = READY.matcher(line);
                    if (matcher.find()) {
                        ready.complete(matcher);
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new AssertionError("server exited before it was ready:\n" + output));
        });
        reader.start();
        Matcher started = ready.get(60, TimeUnit.SECONDS);
        Files.writeString(Path.of("target", "server-startup-ms.txt"), started.group(1));

        try (WsClient client = WsClient.connect(URI.create(started.group(2)))) {
            assertThat(client.call("echo", "{\"ping\":true}").toString())
                    .isEqualTo("{\"id\":\"r1\",\"method\":\"echo\",\"response\":{\"ping\":true}}");
            client.call("subscribe", "{\"channel\":\"one\"}");
            assertThat(client.call("subscribe", "{\"channel\":\"two\"}").getJsonObject("error").getJsonObject("errors").getString("channel"))
                    .isEqualTo("Too many subscriptions");
            server.destroy(); // SIGTERM
            assertThat(client.awaitClose().code()).isEqualTo(1001);
        }
        assertThat(server.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        assertThat(output.toString()).doesNotContain("Exception");
    }
}
