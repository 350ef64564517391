package dev.streamrpc.server;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The embedded server's command line ({@code --port N}, {@code --war FILE}, {@code --threads N})
 * and the variables that stand for them ({@code PORT}, {@code STREAM_JETTY_THREADS}).
 */
record Options(int port, Path war, int threads) {

    static final int DEFAULT_PORT = 8080;

    static final String USAGE = "java -XX:+UseSerialGC -jar streamrpc-server.jar [--port N] [--war FILE] [--threads N]"
            + " (variables: PORT, STREAM_JETTY_THREADS and the stream.* settings in the README)";

    /** Jetty's own needs (an acceptor, a selector, reserved threads) take a few of the pool. */
    static final int MIN_THREADS = 8;

    static Options parse(String[] args, Map<String, String> environment, Path defaultWar, int processors) {
        String portVariable = environment.get("PORT");
        String threadsVariable = environment.get("STREAM_JETTY_THREADS");
        int port = portVariable == null || portVariable.isBlank() ? DEFAULT_PORT : port(portVariable);
        int threads = threadsVariable == null || threadsVariable.isBlank() ? defaultThreads(processors) : threads(threadsVariable);
        Path war = defaultWar;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--port=")) {
                port = port(arg.substring("--port=".length()));
            } else if (arg.equals("--port")) {
                port = port(value(args, ++i, arg));
            } else if (arg.startsWith("--war=")) {
                war = Path.of(arg.substring("--war=".length()));
            } else if (arg.equals("--war")) {
                war = Path.of(value(args, ++i, arg));
            } else if (arg.startsWith("--threads=")) {
                threads = threads(arg.substring("--threads=".length()));
            } else if (arg.equals("--threads")) {
                threads = threads(value(args, ++i, arg));
            } else {
                throw new IllegalArgumentException("Unknown argument '" + arg + "'");
            }
        }
        return new Options(port, war, threads);
    }

    /** Whether the command line asks for the usage ({@code --help} or {@code -h}) rather than a server. */
    static boolean asksForHelp(String[] args) {
        return Arrays.stream(args).anyMatch(arg -> arg.equals("--help") || arg.equals("-h"));
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /**
     * Four per core, at least {@link #MIN_THREADS}. Jetty's threads only read, parse and write
     * (blocking RPC methods have their own workers), so more threads than cores buy nothing
     * but memory: every thread that has run keeps its stack's pages and its malloc arena.
     */
    static int defaultThreads(int processors) {
        return Math.max(MIN_THREADS, 4 * processors);
    }

    private static int port(String text) {
        int port = number(text, "port number");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Port out of range: " + text);
        }
        return port;
    }

    private static int threads(String text) {
        int threads = number(text, "thread count");
        if (threads < MIN_THREADS) {
            throw new IllegalArgumentException("Jetty needs at least " + MIN_THREADS + " threads, not " + text);
        }
        return threads;
    }

    private static int number(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a " + what + ": " + text, e);
        }
    }
}
