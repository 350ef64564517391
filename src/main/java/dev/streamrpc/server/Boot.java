package dev.streamrpc.server;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The executable jar's entry point. It puts Jetty (the {@code lib/} folder beside the jar) on
 * a class path of its own and starts {@link EmbeddedServer} there. A manifest class path
 * cannot list a folder of jars, and this keeps the jar itself free of Jetty.
 */
public final class Boot {

    private Boot() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(Boot.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<URL> classPath = new ArrayList<>();
        classPath.add(jar.toUri().toURL());
        classPath.addAll(jars(jar.resolveSibling("lib")));
        // The platform loader as parent, so that EmbeddedServer is loaded here, beside Jetty.
        ClassLoader loader = new URLClassLoader(classPath.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Method main = loader.loadClass("dev.streamrpc.server.EmbeddedServer").getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            // The server's own failure, without the reflective call's frames around it.
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    private static List<URL> jars(Path lib) throws IOException, URISyntaxException {
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException("No lib/ folder beside the jar: " + lib + " (run 'mvn package' first)");
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                urls.add(file.toUri().toURL());
            }
        }
        return urls;
    }
}
