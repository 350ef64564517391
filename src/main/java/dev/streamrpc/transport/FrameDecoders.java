package dev.streamrpc.transport;

import jakarta.websocket.Decoder;

import java.nio.ByteBuffer;

/**
 * Pass-through decoders for {@link StreamEndpoint}'s frames, declared on the endpoint only to
 * make each handshake cheaper on Jetty. Jetty works out an annotated endpoint's metadata again
 * for every connection: it matches each {@code @OnMessage} method against its decoders in
 * order, building a method handle for every decoder it tries, and its own {@code String} and
 * {@code ByteBuffer} decoders come 9th and 18th of 23. Declared decoders come first, so the two
 * methods match at once: a handshake allocates about 17 KB less (115 KB before, of which 56 KB
 * went to that matching; see bench/NOTES.md). Other containers use them as any decoder.
 */
public final class FrameDecoders {

    private FrameDecoders() {
    }

    /** Hands a frame on as it came. */
    private abstract static class AsItCame<T> {

        public T decode(T frame) {
            return frame;
        }

        public boolean willDecode(T frame) {
            return true;
        }
    }

    /** A text frame. */
    public static final class Text extends AsItCame<String> implements Decoder.Text<String> {
    }

    /** A binary frame (the endpoint refuses binary frames; it still has to receive them). */
    public static final class Binary extends AsItCame<ByteBuffer> implements Decoder.Binary<ByteBuffer> {
    }
}
