package dev.streamrpc.bench;

import dev.streamrpc.testing.CoreConnection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The few places where the protocols of the servers differ, for the generator: how a request
 * is written, and what a received frame is. Everything is done on bytes and string prefixes,
 * so the generator pays the same small cost whichever server it measures.
 */
enum Wire {

    /**
     * StreamRPC's protocol (docs/PROTOCOL.md), which the floor speaks too: a request is
     * {@code {"id":N,"method":"M","payload":P}}; a reply starts with {@code {"id":N}; anything
     * else is a delivered message.
     */
    STREAM_RPC {
        @Override
        String request(long id, String method, String payload) {
            return "{\"id\":" + id + ",\"method\":\"" + method + "\",\"payload\":" + payload + "}";
        }

        @Override
        boolean readyWhenOpen() {
            return true;
        }

        @Override
        void received(ByteBuffer frame, Link link, Link.Listener listener) {
            if (startsWith(frame, REPLY)) {
                listener.reply(link, CoreConnection.number(frame, ID_KEY), contains(frame, ERROR_KEY) ? frame : null);
            } else {
                listener.message(frame);
            }
        }
    },

    /**
     * Socket.IO 5 over Engine.IO 4 on a WebSocket ({@code /socket.io/?EIO=4&transport=websocket}):
     * the server opens with {@code 0{...}}, the client connects to the main namespace with
     * {@code 40} and may send events once {@code 40{...}} came back; an event with an
     * acknowledgement is {@code 42N["name",payload]}, its acknowledgement {@code 43N[...]}; a
     * broadcast arrives as {@code 42["message",...]}; the server pings with {@code 2}, the
     * client answers {@code 3}.
     */
    SOCKET_IO {
        @Override
        String request(long id, String method, String payload) {
            return "42" + id + "[\"" + method + "\"," + payload + "]";
        }

        @Override
        boolean readyWhenOpen() {
            return false;
        }

        @Override
        void received(ByteBuffer frame, Link link, Link.Listener listener) {
            int at = frame.position();
            byte engine = frame.get(at);
            if (engine == '2') {
                link.send("3");
            } else if (engine == '0') {
                link.send("40");
            } else if (engine == '4' && frame.remaining() > 1) {
                switch (frame.get(at + 1)) {
                    case '2' -> listener.message(frame);
                    case '3' -> listener.reply(link, CoreConnection.number(frame, ACK_KEY), null);
                    case '0' -> link.connected();
                    default -> link.refused(StandardCharsets.UTF_8.decode(frame.duplicate()).toString());
                }
            } else if (engine == '1') {
                link.refused("Engine.IO close");
            }
        }
    };

    private static final byte[] REPLY = "{\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID_KEY = "\"id\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ERROR_KEY = "\"error\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ACK_KEY = "43".getBytes(StandardCharsets.US_ASCII);

    /** One request frame: a call of {@code method} with this id and a JSON object as payload. */
    abstract String request(long id, String method, String payload);

    /** Whether requests may be sent as soon as the WebSocket is open, or only after the protocol's own handshake. */
    abstract boolean readyWhenOpen();

    /** Handles one text frame: answers the protocol's control frames, hands replies and messages on. */
    abstract void received(ByteBuffer frame, Link link, Link.Listener listener);

    private static boolean startsWith(ByteBuffer frame, byte[] prefix) {
        if (frame.remaining() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (frame.get(frame.position() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(ByteBuffer frame, byte[] key) {
        ByteBuffer rest = frame.duplicate();
        while (rest.remaining() >= key.length) {
            if (startsWith(rest, key)) {
                return true;
            }
            rest.position(rest.position() + 1);
        }
        return false;
    }
}
