package dev.streamrpc.testing;

import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Jetty's core WebSocket client, for frames a normal client refuses to send: invalid UTF-8,
 * or a character split across fragments.
 */
public final class RawFrameClient implements AutoCloseable {

    private final WebSocketCoreClient client = new WebSocketCoreClient();
    private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private final CoreSession session;

    public RawFrameClient(URI uri) throws Exception {
        client.start();
        session = client.connect(new Handler(), uri).get(10, TimeUnit.SECONDS);
    }

    /** Sends one frame: {@code opCode} TEXT or CONTINUATION, with its FIN bit. */
    public void sendFrame(byte opCode, byte[] payload, boolean fin) throws Exception {
        Callback.Completable sent = new Callback.Completable();
        session.sendFrame(new Frame(opCode).setPayload(ByteBuffer.wrap(payload)).setFin(fin), sent, false);
        sent.get(10, TimeUnit.SECONDS);
    }

    public void sendText(byte[] utf8) throws Exception {
        sendFrame(OpCode.TEXT, utf8, true);
    }

    public String nextText() throws InterruptedException {
        return texts.poll(10, TimeUnit.SECONDS);
    }

    public int awaitCloseCode() throws Exception {
        return closed.get(10, TimeUnit.SECONDS).getCode();
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Handler implements FrameHandler {
        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            if (frame.getOpCode() == OpCode.TEXT) {
                texts.add(StandardCharsets.UTF_8.decode(frame.getPayload()).toString());
            }
            callback.succeeded();
            session.demand();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus status, Callback callback) {
            closed.complete(status);
            callback.succeeded();
        }
    }
}
