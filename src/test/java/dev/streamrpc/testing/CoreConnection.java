package dev.streamrpc.testing;

import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A connection on Jetty's core WebSocket client: text frames arrive as bytes and are handed
 * on without decoding; any frame can be sent, even ones a normal client refuses to build.
 * The benchmark's generator uses it because it is cheap; tests use it for raw frames. It
 * answers pings, as every WebSocket client does, unless told not to.
 */
public final class CoreConnection implements FrameHandler {

    private final Consumer<ByteBuffer> onText;
    private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
    private volatile CoreSession session;
    private volatile boolean answersPings = true;
    private final AtomicInteger pings = new AtomicInteger();
    private ByteArrayOutputStream fragments;   // a text message arriving in fragments; frames come one at a time

    public CoreConnection(Consumer<ByteBuffer> onText) {
        this.onText = onText;
    }

    public void send(String text) {
        sendFrame(new Frame(OpCode.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8))), Callback.NOOP);
    }

    public void sendFrame(Frame frame, Callback callback) {
        session.sendFrame(frame, callback, false);
    }

    /** From now on, pings are counted but not answered, as by a peer that is gone. */
    public void stopAnsweringPings() {
        answersPings = false;
    }

    /** Pings received so far. */
    public int pings() {
        return pings.get();
    }

    /** Completes with the close status the connection ended with. */
    public CompletableFuture<CloseStatus> closed() {
        return closed;
    }

    public void close() {
        CoreSession current = session;
        if (current != null) {
            current.abort();
        }
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        callback.succeeded();
        coreSession.demand();
    }

    /**
     * A text message: Jetty's parser hands over a frame that straddles two network reads as
     * fragments (a TEXT frame without FIN, then CONTINUATION frames), which are joined here.
     */
    @Override
    public void onFrame(Frame frame, Callback callback) {
        byte opCode = frame.getOpCode();
        if (opCode == OpCode.PING) {
            pings.incrementAndGet();
            if (answersPings) {
                session.sendFrame(new Frame(OpCode.PONG).setPayload(BufferUtil.copy(frame.getPayload())), Callback.NOOP, false);
            }
        } else if (opCode == OpCode.TEXT && frame.isFin()) {
            onText.accept(frame.getPayload());
        } else if (opCode == OpCode.TEXT || opCode == OpCode.CONTINUATION && fragments != null) {
            if (opCode == OpCode.TEXT) {
                fragments = new ByteArrayOutputStream();
            }
            ByteBuffer payload = frame.getPayload();
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            fragments.writeBytes(bytes);
            if (frame.isFin()) {
                onText.accept(ByteBuffer.wrap(fragments.toByteArray()));
                fragments = null;
            }
        }
        callback.succeeded();
        session.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        closed.complete(closeStatus);
        callback.succeeded();
    }

    /** The number after {@code key} in a frame, or -1; a byte scan, no JSON parsing. */
    public static long number(ByteBuffer frame, byte[] key) {
        int limit = frame.limit();
        outer:
        for (int i = frame.position(); i + key.length < limit; i++) {
            for (int j = 0; j < key.length; j++) {
                if (frame.get(i + j) != key[j]) {
                    continue outer;
                }
            }
            long value = 0;
            for (int k = i + key.length; k < limit; k++) {
                byte b = frame.get(k);
                if (b < '0' || b > '9') {
                    break;
                }
                value = value * 10 + (b - '0');
            }
            return value;
        }
        return -1;
    }
}
