package dev.streamrpc.pubsub;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.regex.Pattern;
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
        // wildcards match any character, non-ASCII included; a character is a code point
        "?|é|true", "caf?|café|true", "?|😀|true", "??|😀|false", "[😀-😂]|😁|true",
        // stars in runs and in the middle
        "a**b|ab|true", "*a*b*|xxaxxbxx|true", "*a*b|xxaxxbxx|false", "a*b*c|abbbc|true", "a*b*c|acb|false",
    })
    void matchesLikeRedis(String pattern, String event, boolean expected) {
        assertThat(EventPattern.compile(pattern).matches(event == null ? "" : event)).isEqualTo(expected);
    }

    @Test
    void wildcardsMatchLineBreaksToo() {
        assertThat(EventPattern.compile("a*b").matches("a\nb")).isTrue();
        assertThat(EventPattern.compile("a?b").matches("a\nb")).isTrue();
    }

    /** JSON lets a client write U+0000: in a pattern it is a literal like any other (code point 0, not a wildcard's token). */
    @Test
    void theNulCharacterIsALiteral() {
        assertThat(EventPattern.compile("?\u0000*").matches("a\u0000b")).isTrue();
        assertThat(EventPattern.compile("?\u0000*").matches("ab")).isFalse();
        assertThat(EventPattern.compile("*\u0000").matches("a\u0000")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[abc", "h[ae", "[", "[]", "[^]", "abc\\", "[a\\"})
    void malformedPatternsAreRefused(String pattern) {
        assertThatThrownBy(() -> EventPattern.compile(pattern)).isInstanceOf(EventPattern.Malformed.class);
    }

    @Test
    void patternsUpTo256CharactersAreAcceptedAndLongerOnesRefused() {
        assertThat(EventPattern.compile("é".repeat(256)).matches("é".repeat(256))).isTrue();
        assertThatThrownBy(() -> EventPattern.compile("a".repeat(257))).isInstanceOf(EventPattern.Malformed.class);
    }

    /**
     * The pattern that makes a backtracking regular expression run for minutes: with the
     * two-pointer matcher it is a few tens of thousands of steps. Not a timing test: the
     * suite's own timeout would be the only failure, and a regex took over 30 s here.
     */
    @Test
    void theWorstCasePatternsMatchWithoutBacktrackingBlowUp() {
        EventPattern stars = EventPattern.compile("*a".repeat(127) + "b");
        String event = "a".repeat(256);
        for (int i = 0; i < 1000; i++) {
            assertThat(stars.matches(event)).isFalse();
        }
        assertThat(stars.matches("a".repeat(127) + "b")).isTrue();
    }

    /** Agrees with a straightforward regular-expression translation on many small random cases. */
    @Test
    void agreesWithARegularExpressionTranslationOnRandomCases() {
        Random random = new Random(42);
        String alphabet = "ab.";
        String[] pieces = {"a", "b", ".", "*", "?", "[ab]", "[^a]", "[a-b]", "\\*"};
        for (int n = 0; n < 20_000; n++) {
            StringBuilder pattern = new StringBuilder();
            StringBuilder regex = new StringBuilder();
            for (int i = random.nextInt(6); i > 0; i--) {
                String piece = pieces[random.nextInt(pieces.length)];
                pattern.append(piece);
                regex.append(switch (piece) {
                    case "*" -> ".*";
                    case "?" -> ".";
                    case "." -> "\\.";
                    case "\\*" -> "\\*";
                    default -> piece;
                });
            }
            StringBuilder event = new StringBuilder();
            for (int i = random.nextInt(7); i > 0; i--) {
                event.append(random.nextInt(8) == 0 ? '*' : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            boolean expected = Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(event).matches();
            assertThat(EventPattern.compile(pattern.toString()).matches(event.toString()))
                    .as("%s ~ %s", pattern, event).isEqualTo(expected);
        }
    }
}
