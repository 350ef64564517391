package dev.streamrpc.server;

import dev.streamrpc.broker.WriteBehindThread;
import org.eclipse.jetty.ee10.annotations.AnnotationConfiguration;
import org.eclipse.jetty.ee10.plus.webapp.PlusConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.ClassMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Jetty 12 serving the StreamRPC WAR at {@code /}. Options: {@code --port N} (or the
 * {@code PORT} variable; default 8080, 0 for any free port) and {@code --war FILE} (default:
 * {@code streamrpc.war} beside the jar). SIGTERM stops it cleanly: every WebSocket is closed
 * with 1001 within the grace period.
 */
public final class EmbeddedServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final long STOP_GRACE_MS = 10_000;
    private static final long PLAIN_HTTP_WAIT_MS = 10_000;

    private EmbeddedServer() {
    }

    public static void main(String[] args) throws Exception {
        if (Options.asksForHelp(args)) {
            LOG.info("Usage: {}", Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args, System.getenv(), defaultWar(), Runtime.getRuntime().availableProcessors());
        } catch (IllegalArgumentException e) {
            // A mistyped command line is the user's to fix: the reason and the usage, not a stack trace.
            LOG.error("{}. Usage: {}", e.getMessage(), Options.USAGE);
            System.exit(2);
            return;
        }
        Server server;
        try {
            server = start(options);
        } catch (Exception e) {
            // The port is taken, the WAR is missing, a setting is bad: one line that says which
            // (Jetty has already logged a failing web app's whole trace at WARN).
            LOG.error("StreamRPC could not start: {}", reasons(e));
            LOG.debug("Start-up failure", e);
            System.exit(1);
            return;
        }
        server.join();
    }

    private static Server start(Options options) throws Exception {
        if (!Files.isRegularFile(options.war())) {
            throw new IllegalStateException("WAR not found: " + options.war());
        }
        long started = System.nanoTime();
        // One logging backend: Weld and Hibernate Validator log through JBoss Logging, some
        // libraries through java.util.logging; both go to SLF4J, like Jetty's own lines.
        System.setProperty("org.jboss.logging.provider", "slf4j");
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Server server = new Server(new JettyThreads(options.threads()));
        ServerConnector connector = new ReadRunConnector(server);
        connector.setPort(options.port());
        // Jetty names its version in every response's Server header and error page: it tells a
        // scanner which advisories apply, and no client needs it.
        connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration().setSendServerVersion(false);
        server.addConnector(connector);
        FileDescriptors.connectionLimit().ifPresent(limit -> server.addBean(new NetworkConnectionLimit(limit, server)));

        UnpackDirectory unpacked = UnpackDirectory.create(Path.of(System.getProperty("java.io.tmpdir")));
        WebAppContext app = new WebAppContext();
        app.setContextPath("/");
        app.setWar(options.war().toString());
        app.setTempDirectory(unpacked.forJetty().toFile());
        // Annotation scanning finds @ServerEndpoint and @WebServlet, and runs Weld's initializer.
        app.addConfiguration(new PlusConfiguration(), new AnnotationConfiguration());
        app.setThrowUnavailableOnStartupException(true);
        // Jetty's threads are WriteBehindThreads of this class loader: the web app must take the
        // same class, not its own copy, to see them as such (ReadRunConnector).
        app.addProtectedClassMatcher(new ClassMatcher(WriteBehindThread.class.getName()));
        app.setErrorHandler(new QuietErrorPages());
        server.setHandler(plainHttpLimit(app, options.threads()));
        server.setStopTimeout(STOP_GRACE_MS);
        // On SIGTERM the application drains first, while it still answers requests: new
        // handshakes get 503 (so clients and load balancers go elsewhere at once, rather than
        // waiting on a listen queue nobody reads), and every connection gets what is queued
        // for it, then 1001. Then the application and the server stop.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, app, unpacked), "streamrpc-shutdown"));
        server.start();

        int port = ((NetworkConnector) server.getConnectors()[0]).getLocalPort();
        LOG.info("StreamRPC ready in {} ms at ws://localhost:{}/stream (at most {} Jetty threads)", (System.nanoTime() - started) / 1_000_000, port,
                options.threads());
        return server;
    }

    /**
     * Plain HTTP requests (health, metrics, discovery documents, the console's files) write
     * their responses with blocking servlet I/O, so a client that sends many and reads none holds
     * a Jetty thread per connection (until Jetty's idle timeout, 30 s, ends the write); eight such
     * connections took the whole pool, and every WebSocket waited that long for its frames to be
     * read. At most a quarter of the pool now serves them at once; the others wait without a
     * thread, and get 503 after {@value #PLAIN_HTTP_WAIT_MS} ms. WebSocket handshakes ({@code /stream})
     * are not held back, nor is {@code /health}: its answer is too small to block a write, and a
     * readiness probe must not wait behind clients that read nothing.
     */
    private static Handler plainHttpLimit(Handler app, int threads) {
        QoSHandler limit = new QoSHandler(app);
        limit.setMaxRequestCount(Math.max(1, threads / 4));
        limit.setMaxSuspend(Duration.ofMillis(PLAIN_HTTP_WAIT_MS));
        limit.excludePath("/stream", "/health");
        return limit;
    }

    /** The messages of a failure and its causes, each said once (Jetty repeats a cause's text in its own). */
    private static String reasons(Throwable failure) {
        StringBuilder reasons = new StringBuilder();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (reasons.indexOf(reason) < 0) {
                reasons.append(reasons.length() == 0 ? "" : ": ").append(reason);
            }
        }
        return reasons.toString();
    }

    private static void stop(Server server, WebAppContext app, UnpackDirectory unpacked) {
        try {
            // The web app's hook (dev.streamrpc.transport.ServletSetup.DRAIN); a Runnable, so no app class is needed here.
            if (app.getServletContext().getAttribute("dev.streamrpc.drain") instanceof Runnable drain) {
                drain.run();
            }
            app.stop();
            server.stop();
        } catch (Exception e) {
            LOG.warn("Stopping the server failed", e);
        }
        try {
            unpacked.close();
        } catch (IOException e) {
            LOG.warn("Could not remove {}", unpacked.path(), e);
        }
    }

    private static Path defaultWar() {
        try {
            Path jar = Path.of(EmbeddedServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return jar.resolveSibling("streamrpc.war");
        } catch (Exception e) {
            return Path.of("streamrpc.war");
        }
    }
}
