package dev.streamrpc.server;

import java.nio.file.Path;

/** The embedded server's command line: {@code --port N} and {@code --war FILE}. */
record Options(int port, Path war) {

    static final int DEFAULT_PORT = 8080;

    static Options parse(String[] args, String portVariable, Path defaultWar) {
        int port = portVariable == null || portVariable.isBlank() ? DEFAULT_PORT : port(portVariable);
        Path war = defaultWar;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--port=")) {
                port = port(arg.substring("--port=".length()));
            } else if (arg.equals("--port") && i + 1 < args.length) {
                port = port(args[++i]);
            } else if (arg.startsWith("--war=")) {
                war = Path.of(arg.substring("--war=".length()));
            } else if (arg.equals("--war") && i + 1 < args.length) {
                war = Path.of(args[++i]);
            } else {
                throw new IllegalArgumentException("Unknown argument '" + arg + "'; usage: [--port N] [--war FILE]");
            }
        }
        return new Options(port, war);
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Port out of range: " + text);
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a port number: " + text, e);
        }
    }
}
