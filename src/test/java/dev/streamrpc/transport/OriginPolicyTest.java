package dev.streamrpc.transport;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The origin rules of the handshake guard. */
class OriginPolicyTest {

    private static OriginPolicy allowing(String origins) {
        return new OriginPolicy(origins);
    }

    @Test
    void selfAllowsThePagesOwnOriginAndClientsThatSendNone() {
        OriginPolicy self = allowing("self");
        assertThat(self.allows(null, "chat.example.com")).isTrue();
        assertThat(self.allows("https://chat.example.com", "chat.example.com")).isTrue();
        assertThat(self.allows("http://chat.example.com:8080", "chat.example.com:8080")).isTrue();
        assertThat(self.allows("http://chat.example.com", "chat.example.com:80")).isTrue();
        assertThat(self.allows("HTTPS://Chat.Example.com", "chat.example.com")).isTrue();
        assertThat(self.allows("https://evil.example.net", "chat.example.com")).isFalse();
        assertThat(self.allows("https://chat.example.com.evil.net", "chat.example.com")).isFalse();
        assertThat(self.allows("null", "chat.example.com")).isFalse();
        assertThat(self.allows("not a uri", "chat.example.com")).isFalse();
        // Only a web page's origin is the server's own; "self" is a rule, not an origin.
        assertThat(self.allows("ws://chat.example.com", "chat.example.com")).isFalse();
        assertThat(self.allows("ftp://chat.example.com", "chat.example.com")).isFalse();
        assertThat(self.allows("self", "chat.example.com")).isFalse();
    }

    @Test
    void aListAllowsExactlyItsOriginsAndStarAllowsAll() {
        OriginPolicy list = allowing("https://a.example.com, https://b.example.com:8443");
        assertThat(list.allows("https://a.example.com", "api.example.com")).isTrue();
        assertThat(list.allows("https://b.example.com:8443", "api.example.com")).isTrue();
        assertThat(list.allows("https://b.example.com", "api.example.com")).isFalse();
        assertThat(list.allows("https://api.example.com", "api.example.com")).as("self is not implied").isFalse();
        assertThat(allowing("*").allows("https://anything.example", "api.example.com")).isTrue();
    }
}
