package dev.streamrpc.transport;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UpgradingRequestTest {

    private static final Principal ALICE = () -> "alice";

    /** A container's request answering the getters a WebSocket session reads, and one header. */
    private static HttpServletRequest containerRequest() {
        Map<String, Object> answers = Map.of("getRequestURI", "/app/stream", "getContextPath", "/app",
                "getServletPath", "/stream", "getQueryString", "token=1", "getUserPrincipal", ALICE, "getHeader", "websocket");
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> answers.get(method.getName()));
    }

    @Test
    void untilUpgradedEverythingGoesToTheContainersRequest() {
        UpgradingRequest request = new UpgradingRequest(containerRequest());

        assertThat(request.getHeader("Upgrade")).isEqualTo("websocket");
        assertThat(request.getRequestURI()).isEqualTo("/app/stream");
    }

    @Test
    void onceUpgradedTheSessionsGettersAreAnsweredAndTheRestIsRefused() {
        HttpServletRequest container = containerRequest();
        UpgradingRequest request = new UpgradingRequest(container);

        request.upgraded();

        assertThat(request.getRequest()).isNotSameAs(container);
        assertThat(request.getRequestURI()).isEqualTo("/app/stream");
        assertThat(request.getContextPath()).isEqualTo("/app");
        assertThat(request.getServletPath()).isEqualTo("/stream");
        assertThat(request.getPathInfo()).isNull();
        assertThat(request.getQueryString()).isEqualTo("token=1");
        assertThat(request.getUserPrincipal()).isSameAs(ALICE);
        assertThat(request.getRequest()).hasToString("upgraded request /app/stream").isEqualTo(request.getRequest());
        assertThatThrownBy(() -> request.getHeader("Upgrade")).isInstanceOf(IllegalStateException.class)
                .hasMessage("getHeader: the HTTP request of this WebSocket connection ended with its upgrade");
    }
}
