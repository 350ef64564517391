package dev.streamrpc.pubsub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Redis PSUBSCRIBE glob semantics, including the seed's own cases. */
class EventPatternTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource(delimiter = '|', value = {
        // the seed's cases
        "h?llo|hello|true", "h?llo|hallo|true", "h?llo|haallo|false", "h?llo|hallox|false",
        "h*llo|hello|true", "h*llo|haallo|true", "h*llo|hllo|true", "h*llo|hallox|false",
        "h[ae]llo|hello|true", "h[ae]llo|hallo|true", "h[ae]llo|hillo|false", "h[ae]llo|haallo|false",
        // negation, ranges, reversed ranges
        "h[^e]llo|hallo|true", "h[^e]llo|hello|false", "h[a-b]llo|hbllo|true", "h[a-b]llo|hcllo|false",
        "h[b-a]llo|hallo|true", "[0-9][0-9]|42|true", "[0-9][0-9]|4x|false",
        // escapes
        "h\\*llo|h*llo|true", "h\\*llo|hello|false", "\\?|?|true", "\\?|x|false", "a\\[b|a[b|true", "[\\]]|]|true",
        // everything else is literal
        "a.b|a.b|true", "a.b|aXb|false", "a+|aa|false", "a+|a+|true", "(x)|(x)|true", "$^|$^|true", "a{2}|aa|false",
        // whole-name matching, and the empty name
        "*|anything|true", "*||true", "?*||false", "trade.*|trade.btc|true", "trade.*|xtrade.btc|false", "trade|trade.btc|false",
        // wildcards match any character, non-ASCII included
        "?|é|true", "caf?|café|true",
    })
    void matchesLikeRedis(String pattern, String event, boolean expected) {
        assertThat(EventPattern.compile(pattern).matches(event == null ? "" : event)).isEqualTo(expected);
    }

    @Test
    void wildcardsMatchLineBreaksToo() {
        assertThat(EventPattern.compile("a*b").matches("a\nb")).isTrue();
        assertThat(EventPattern.compile("a?b").matches("a\nb")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[abc", "h[ae", "[", "[]", "[^]", "abc\\", "[a\\"})
    void malformedPatternsAreRefused(String pattern) {
        assertThatThrownBy(() -> EventPattern.compile(pattern)).isInstanceOf(EventPattern.Malformed.class);
    }
}
