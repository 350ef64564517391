package dev.streamrpc.client;

import dev.streamrpc.testing.ServerProcess;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.util.Map;

/**
 * The server jar, started once for a test class:
 * {@code @RegisterExtension static final RunningServer SERVER = new RunningServer();}
 */
final class RunningServer implements BeforeAllCallback, AfterAllCallback {

    private ServerProcess process;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        process = new ServerProcess(Map.of());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        process.close();
    }

    URI uri() {
        return process.uri();
    }
}
