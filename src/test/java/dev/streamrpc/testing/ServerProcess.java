package dev.streamrpc.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/streamrpc-server.jar --port 0} (or a given port) as a separate process,
 * with extra environment variables; it is ready when it logs its URL.
 */
public final class ServerProcess implements AutoCloseable {

    private static final Pattern READY = Pattern.compile("StreamRPC ready in (\\d+) ms at (ws://\\S+)");

    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    private final URI uri;
    private final long startupMillis;

    public ServerProcess(Map<String, String> environment) throws Exception {
        this(environment, 0);
    }

    /** On {@code port}, for example the port of a server that was stopped, to restart it in its place. */
    public ServerProcess(Map<String, String> environment, int port) throws Exception {
        this(LaunchCommand.of(jar(), "--port", Integer.toString(port)), environment);
    }

    /** A server that may open at most {@code descriptors} files and sockets ({@code ulimit -n}). */
    public static ServerProcess withDescriptorLimit(int descriptors, Map<String, String> environment) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + descriptors + " && exec \"$@\"", "bash"));
        command.addAll(LaunchCommand.of(jar(), "--port", "0"));
        return new ServerProcess(command, environment);
    }

    private ServerProcess(List<String> launch, Map<String, String> environment) throws Exception {
        ProcessBuilder command = new ProcessBuilder(launch).redirectErrorStream(true);
        command.environment().putAll(environment);
        process = command.start();
        CompletableFuture<Matcher> ready = new CompletableFuture<>();
        reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
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
        startupMillis = Long.parseLong(started.group(1));
        uri = URI.create(started.group(2));
    }

    private static Path jar() {
        return Path.of(System.getProperty("streamrpc.server.jar", "target/streamrpc-server.jar"));
    }

    /** How a server that ended by itself ended: its exit code and everything it printed. */
    public record Ended(int exitCode, String output) {
    }

    /** Starts a server that must fail to start; returns how it ended (within 60 s). */
    public static Ended failingToStart(Map<String, String> environment) throws Exception {
        return endingOn(environment, "--port", "0");
    }

    /** Runs the launch command with these arguments, expecting it to end by itself (within 60 s). */
    public static Ended endingOn(Map<String, String> environment, String... arguments) throws Exception {
        ProcessBuilder command = new ProcessBuilder(LaunchCommand.of(jar(), arguments)).redirectErrorStream(true);
        command.environment().putAll(environment);
        Process process = command.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server neither started nor stopped within 60 s");
        }
        return new Ended(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }

    public long pid() {
        return process.pid();
    }

    public URI uri() {
        return uri;
    }

    public long startupMillis() {
        return startupMillis;
    }

    /** Sends SIGTERM and returns at once. */
    public void signalTerminate() {
        process.destroy();
    }

    /** SIGTERM, then waits for the process to end; true if it did. */
    public boolean terminate() throws InterruptedException {
        process.destroy();
        boolean ended = process.waitFor(20, TimeUnit.SECONDS);
        reader.join(5000);
        return ended;
    }

    /** SIGKILL, then waits for the process to end: no close frames, connections just break. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stays, its sockets stay open, and nothing answers. */
    public void suspend() throws Exception {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend()}. */
    public void resume() throws Exception {
        signal("CONT");
    }

    private void signal(String name) throws Exception {
        if (new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
        }
    }

    public String output() {
        return output.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
