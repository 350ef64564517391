package dev.streamrpc.discovery;

import dev.streamrpc.api.StreamChannel;
import dev.streamrpc.api.StreamEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelDeclarationsTest {

    @StreamChannel(name = "orders.*", events = {@StreamEvent(name = "created", data = String.class), @StreamEvent(name = "")})
    @StreamChannel(name = "prices")
    static class Good {
    }

    @StreamChannel(name = "orders.*")
    static class SameName {
    }

    @StreamChannel(name = "bad.[x", events = @StreamEvent(name = "ok"))
    @StreamChannel(name = "events", events = {@StreamEvent(name = "a"), @StreamEvent(name = "a"), @StreamEvent(name = "b\\")})
    @StreamChannel(name = "nothing", events = @StreamEvent(name = "none", data = Void.class))
    static class Bad {
    }

    private static ChannelDeclarations.Result check(Class<?>... classes) {
        return ChannelDeclarations.check(List.of(classes).stream()
                .map(c -> new ChannelDeclarations.Source(c, List.of(c.getAnnotationsByType(StreamChannel.class)))).toList());
    }

    @Test
    void wellFormedDeclarationsAreKeptInOrderWithTheirEvents() {
        ChannelDeclarations.Result result = check(Good.class);
        assertThat(result.problems()).isEmpty();
        assertThat(result.declarations()).extracting(ChannelDeclaration::name).containsExactly("orders.*", "prices");
        ChannelDeclaration orders = result.declarations().get(0);
        assertThat(orders.matches("orders.eu")).isTrue();
        assertThat(orders.matches("prices")).isFalse();
        assertThat(orders.events()).extracting(ChannelDeclaration.Event::name).containsExactly("created", "");
        assertThat(orders.events().get(1).data()).isEqualTo(jakarta.json.JsonValue.class);
    }

    @Test
    void aChannelDeclaredTwiceNamesBothClasses() {
        assertThat(check(Good.class, SameName.class).problems()).containsExactly("@StreamChannel(name = \"orders.*\") on "
                + SameName.class.getName() + ": the channel is already declared on " + Good.class.getName());
    }

    @Test
    void malformedPatternsRepeatedEventsAndVoidDataAreEachReported() {
        ChannelDeclarations.Result result = check(Bad.class);
        assertThat(result.declarations()).isEmpty();
        String on = " on " + Bad.class.getName();
        assertThat(result.problems()).containsExactly(
                "@StreamChannel(name = \"bad.[x\")" + on + ": the name is not a well-formed pattern (an unclosed or empty [, or a trailing \\)",
                "@StreamChannel(name = \"events\")" + on + ": event \"a\" is declared twice",
                "@StreamChannel(name = \"events\")" + on + ": event \"b\\\" is not a well-formed pattern (an unclosed or empty [, or a trailing \\)",
                "@StreamChannel(name = \"nothing\")" + on + ": event \"none\" has no data type: void is not JSON; use JsonValue for any data");
    }
}
