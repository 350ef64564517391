package dev.streamrpc.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A WebSocket client on a plain socket, for what the other clients cannot promise: several text
 * frames handed to the network in one write, so that the server reads them together.
 */
public final class BurstClient implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public BurstClient(URI uri) throws IOException {
        socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
        out.write(handshake(uri, "Upgrade: websocket\r\n"));
        String head = readHead(in);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("no upgrade: " + head);
        }
    }

    /**
     * The HTTP status that answers a handshake whose {@code Upgrade} header lines (each ending in
     * CRLF) are given: requests the JDK's client will not send, such as two {@code Upgrade} headers.
     */
    public static int handshakeStatus(URI uri, String upgradeLines) throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(handshake(uri, upgradeLines));
            String head = readHead(new DataInputStream(socket.getInputStream()));
            return Integer.parseInt(head.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
        }
    }

    private static byte[] handshake(URI uri, String upgradeLines) {
        String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        return ("GET " + target + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n" + upgradeLines
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends the texts (each under 126 bytes of UTF-8) as text frames in one write. */
    public void sendTogether(List<String> texts) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (String text : texts) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            if (payload.length >= 126) {
                throw new IllegalArgumentException("too long for a one-byte length: " + text);
            }
            frames.write(0x81);                    // FIN, text
            frames.write(0x80 | payload.length);   // masked, as a client must; the key is zero, so the payload reads as is
            frames.write(new byte[4]);
            frames.write(payload);
        }
        out.write(frames.toByteArray());
        out.flush();
    }

    /** The next text frame from the server (unmasked, not fragmented). */
    public String nextText() throws IOException {
        int opCode = in.readUnsignedByte() & 0x0F;
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = Math.toIntExact(in.readLong());
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if (opCode != 1) {
            throw new IOException("expected a text frame, got op code " + opCode);
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
