package dev.streamrpc.server;

import dev.streamrpc.testing.LaunchCommand;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM options a user gets are the same wherever the server is started: the README's first
 * command, the Docker image, and the benchmark and the smoke tests ({@link LaunchCommand}).
 */
class LaunchCommandTest {

    private static final String OPTIONS = String.join(" ", LaunchCommand.JVM_OPTIONS);

    @Test
    void theReadmesFirstCommandStartsTheJarWithTheseOptions() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        Matcher first = Pattern.compile("```sh\\n([^\\n]*)\\n").matcher(readme);
        assertThat(first.find()).isTrue();
        assertThat(first.group(1)).contains("java " + OPTIONS + " -jar target/streamrpc-server.jar");
    }

    @Test
    void theDockerImageStartsTheJarWithTheseOptions() throws Exception {
        String cmd = Files.readAllLines(Path.of("Dockerfile")).stream().filter(line -> line.startsWith("CMD ")).findFirst().orElseThrow();
        String expected = "CMD [\"java\", " + LaunchCommand.JVM_OPTIONS.stream().map(o -> "\"" + o + "\", ").reduce("", String::concat)
                + "\"-jar\", \"streamrpc-server.jar\"]";
        assertThat(cmd).isEqualTo(expected);
    }
}
