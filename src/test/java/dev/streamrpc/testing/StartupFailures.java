package dev.streamrpc.testing;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.jboss.arquillian.container.jetty.embedded_12_ee10.WebAppContextProcessor;
import org.jboss.arquillian.core.spi.LoadableExtension;
import org.jboss.shrinkwrap.api.Archive;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Why a web app deployed by Arquillian failed to start. The Jetty adapter loses that reason:
 * Jetty's deployment manager only logs it, and the adapter then fails with a
 * {@code NullPointerException} of its own. This Arquillian extension (registered in
 * {@code META-INF/services}) remembers each web app context the adapter creates, so that a
 * test can ask Jetty for the exception that made the context unavailable. It changes nothing
 * in how the contexts are deployed.
 */
public final class StartupFailures implements LoadableExtension {

    private static final Map<String, WebAppContext> CONTEXTS = new ConcurrentHashMap<>();

    @Override
    public void register(ExtensionBuilder builder) {
        builder.service(WebAppContextProcessor.class, Recorder.class);
    }

    /** The exception that stopped the web app of the archive {@code archiveName} (such as {@code bad.war}) from starting. */
    public static Optional<Throwable> of(String archiveName) {
        return Optional.ofNullable(CONTEXTS.get(archiveName)).map(WebAppContext::getUnavailableException);
    }

    /** Called by the adapter for every context it creates, before the context starts. */
    public static final class Recorder implements WebAppContextProcessor {
        @Override
        public void process(WebAppContext context, Archive<?> archive) {
            CONTEXTS.put(archive.getName(), context);
        }
    }
}
