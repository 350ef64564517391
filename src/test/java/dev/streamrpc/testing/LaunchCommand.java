package dev.streamrpc.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server jar's command line as the README, the Dockerfile and the benchmark give it: the
 * JVM options a user gets are these and no others ({@code LaunchCommandTest} holds the three
 * to the same list).
 */
public final class LaunchCommand {

    /** See README, "Memory and the JVM": the collector that keeps memory per idle connection lowest. */
    public static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC");

    private LaunchCommand() {
    }

    /** {@code java OPTIONS -jar JAR ARGS...} with this JVM's {@code java}. */
    public static List<String> of(Path jar, String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(arguments));
        return command;
    }
}
