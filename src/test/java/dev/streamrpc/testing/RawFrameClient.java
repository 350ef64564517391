package dev.streamrpc.testing;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.ExtensionConfig;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's core WebSocket client, for frames a normal client refuses to send (invalid UTF-8,
 * a character split across fragments) and for extensions the JDK's client does not offer.
 */
public final class RawFrameClient implements AutoCloseable {

    private final WebSocketCoreClient client = new WebSocketCoreClient();
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CoreConnection connection = new CoreConnection(frame -> texts.add(StandardCharsets.UTF_8.decode(frame).toString()));

    private final CoreSession session;

    /** Connects, offering the server these extensions (for example {@code permessage-deflate}). */
    public RawFrameClient(URI uri, String... extensions) throws Exception {
        client.start();
        CoreClientUpgradeRequest request = CoreClientUpgradeRequest.from(client, uri, connection);
        request.addExtensions(extensions);
        session = client.connect(request).get(10, TimeUnit.SECONDS);
    }

    /** The names of the extensions the server accepted. */
    public List<String> negotiatedExtensions() {
        return session.getNegotiatedExtensions().stream().map(ExtensionConfig::getName).toList();
    }

    /** Sends one frame: {@code opCode} TEXT or CONTINUATION, with its FIN bit. */
    public void sendFrame(byte opCode, byte[] payload, boolean fin) throws Exception {
        Callback.Completable sent = new Callback.Completable();
        connection.sendFrame(new Frame(opCode).setPayload(ByteBuffer.wrap(payload)).setFin(fin), sent);
        sent.get(10, TimeUnit.SECONDS);
    }

    public void sendText(byte[] utf8) throws Exception {
        sendFrame(OpCode.TEXT, utf8, true);
    }

    public String nextText() throws InterruptedException {
        return texts.poll(10, TimeUnit.SECONDS);
    }

    public int awaitCloseCode() throws Exception {
        return awaitClose(Duration.ofSeconds(10)).getCode();
    }

    /** The close status the server ended the connection with: its code and reason. */
    public CloseStatus awaitClose(Duration within) throws Exception {
        return connection.closed().get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The underlying connection, to stop answering pings or count them. */
    public CoreConnection connection() {
        return connection;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
