package dev.streamrpc.broker.redis;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A channel's Redis names share one cluster slot and give its name back, whatever braces it holds. */
class ChannelKeysTest {

    @ParameterizedTest
    @ValueSource(strings = {"prices", "}", "}x", "", "a}b", "{x", "{}", "x{}", "}}{", "é}"})
    void everyNameOfAChannelIsInOneSlotAndGivesItsNameBack(String channel) {
        ChannelKeys keys = ChannelKeys.of(channel);
        assertThat(List.of(SlotHash.getSlot(keys.meta()), SlotHash.getSlot(keys.history())))
                .containsOnly(SlotHash.getSlot(keys.pubsub()));
        assertThat(ChannelKeys.channelOf(keys.pubsub())).isEqualTo(channel);
    }

    @Test
    void noTwoChannelsShareAName() {
        Set<String> names = new HashSet<>();
        for (String channel : List.of("", "}", "}}", "a", "a}", "}a", "~", "~}", "~}a", "}~}a", "{~}", "{~}:a", "a}:meta")) {
            for (byte[] name : ChannelKeys.of(channel).all()) {
                assertThat(names.add(new String(name, StandardCharsets.UTF_8))).as(channel).isTrue();
            }
        }
    }
}
