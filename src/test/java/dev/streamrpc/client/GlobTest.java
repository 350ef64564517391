package dev.streamrpc.client;

import dev.streamrpc.pubsub.EventPattern;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client matches event patterns again to pick handlers, so it must agree with the server's
 * {@link EventPattern} on every pattern and name: compared here on hand-picked and on seeded
 * random ones.
 */
class GlobTest {

    private static final String[] PATTERNS = {
        "*", "h?llo", "h*llo", "h[ae]llo", "h[^e]llo", "h[a-b]llo", "h[b-a]llo", "[0-9][0-9]", "h\\*llo", "\\?",
        "a\\[b", "[\\]]", "a.b", "a+", "(x)", "$^", "a{2}", "?*", "trade.*", "trade", "?", "caf?", "a*b", "a?b",
        "*a*a*a*a*b", "[a-]", "[^x]y", "x[-a]y", "**", "*?*", "é*", "[é-ë]",
    };
    private static final String[] NAMES = {
        "", "hello", "hallo", "haallo", "hallox", "hllo", "hillo", "hbllo", "hcllo", "42", "4x", "h*llo", "?", "x",
        "a[b", "]", "a.b", "aXb", "aa", "a+", "(x)", "$^", "trade.btc", "xtrade.btc", "trade", "é", "café", "a\nb",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "ab", "-", "x-y", "xay", "ê", "😀", "a😀b",
    };

    @Test
    void matchesEveryHandPickedNameAsTheServerDoes() {
        for (String pattern : PATTERNS) {
            Glob glob = Glob.compile(pattern);
            EventPattern server = EventPattern.compile(pattern);
            for (String name : NAMES) {
                assertThat(glob.matches(name)).as("%s ~ %s", pattern, name).isEqualTo(server.matches(name));
            }
        }
    }

    @Test
    void agreesWithTheServerOnRandomPatternsAndNames() {
        Random random = new Random(20251130);
        String alphabet = "ab.*?[]^-\\x";
        for (int i = 0; i < 20_000; i++) {
            String pattern = randomText(random, alphabet, 8);
            String name = randomText(random, "ab.x-*?[]", 10);
            boolean serverRefuses = refuses(() -> EventPattern.compile(pattern));
            assertThat(refuses(() -> Glob.compile(pattern))).as("refuses %s", pattern).isEqualTo(serverRefuses);
            if (!serverRefuses) {
                assertThat(Glob.compile(pattern).matches(name)).as("%s ~ %s", pattern, name)
                        .isEqualTo(EventPattern.compile(pattern).matches(name));
            }
        }
    }

    @Test
    void refusesWhatTheServerRefuses() {
        for (String malformed : List.of("[abc", "h[ae", "[", "[]", "[^]", "abc\\", "[a\\")) {
            assertThatThrownBy(() -> EventPattern.compile(malformed)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Glob.compile(malformed)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Invalid event pattern: " + malformed);
        }
    }

    @Test
    void aPatternThatMakesBacktrackingExplodeStillMatchesQuickly() {
        String pattern = "*a".repeat(200) + "b";
        String name = "a".repeat(5000);
        long start = System.nanoTime();
        assertThat(Glob.compile(pattern).matches(name)).isFalse();
        // The product of the lengths is about two million steps; exponential would never end.
        assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
    }

    private static String randomText(Random random, String alphabet, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static boolean refuses(Runnable compile) {
        try {
            compile.run();
            return false;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }
}
