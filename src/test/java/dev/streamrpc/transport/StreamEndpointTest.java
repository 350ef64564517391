package dev.streamrpc.transport;

import jakarta.websocket.CloseReason;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint when setting a connection up fails: the session is closed with 1011, and later callbacks do nothing. */
class StreamEndpointTest {

    @Test
    void aConnectionThatFailsToOpenIsClosedAndLaterCallbacksAreHarmless() {
        List<CloseReason> closes = new CopyOnWriteArrayList<>();
        List<Object> handled = new CopyOnWriteArrayList<>();
        // The container's Session is the seam: only the message handlers and close() are expected.
        Session session = (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close") && args != null && args.length == 1) {
                        closes.add((CloseReason) args[0]);
                        return null;
                    }
                    if (method.getName().equals("addMessageHandler") && args.length == 2) {
                        handled.add(args[0]);
                        return null;
                    }
                    throw new AssertionError("unexpected call to Session." + method.getName());
                });
        Transport failing = new Transport() {
            @Override
            Connection open(Session opened) {
                throw new IllegalStateException("no more connections today");
            }
        };
        StreamEndpoint endpoint = new StreamEndpoint(failing);

        endpoint.onOpen(session, null);
        endpoint.onText("{\"id\":1,\"method\":\"echo\"}");
        endpoint.onBinary(ByteBuffer.allocate(1), false);
        endpoint.onPong(null);
        endpoint.onError(session, new IllegalStateException("late"));
        endpoint.onClose(session, new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, ""));

        assertThat(handled).containsExactly(String.class, ByteBuffer.class, PongMessage.class);
        assertThat(closes).hasSize(1);
        assertThat(closes.get(0).getCloseCode().getCode()).isEqualTo(1011);
    }
}
