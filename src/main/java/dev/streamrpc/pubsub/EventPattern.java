package dev.streamrpc.pubsub;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled event pattern with the glob syntax of Redis PSUBSCRIBE: {@code *} any run of
 * characters, {@code ?} one character, {@code [abc]}, {@code [^abc]}, {@code [a-z]}, and
 * {@code \x} for x itself. Every other character matches only itself (the seed's converter
 * let {@code .} match anything). A pattern matches the whole event name. Characters are
 * Unicode code points, so {@code ?} matches one emoji as it matches one letter.
 *
 * <p>Matching never backtracks more than to the last {@code *} seen (the greedy two-pointer
 * glob algorithm): its cost is at most the pattern's length times the event's, whatever the
 * pattern. A regular expression would backtrack exponentially on {@code *a*a*a*...b}, so one
 * client could pin a core with a single subscription. Both lengths are capped at
 * {@link #MAX_LENGTH}, so one match costs at most 65,536 steps.
 */
public final class EventPattern {

    /** The longest pattern, and the longest event name, in characters (code points). */
    public static final int MAX_LENGTH = 256;

    private static final int STAR = -1;
    private static final int ANY = -2;
    private static final int FIRST_CLASS = -3;   // FIRST_CLASS - k is the k-th bracket expression

    /** The pattern was not well formed or too long: an unclosed or empty {@code [}, or a trailing {@code \}. */
    public static final class Malformed extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        Malformed(String pattern) {
            super("Invalid event pattern: " + pattern, null);
        }
    }

    /** A bracket expression: inclusive code point ranges, possibly negated. */
    private record CharClass(boolean negated, int[] ranges) {

        boolean accepts(int codePoint) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (codePoint >= ranges[i] && codePoint <= ranges[i + 1]) {
                    return !negated;
                }
            }
            return negated;
        }
    }

    private final String source;
    /** Tokens: a code point (>= 0), {@link #STAR}, {@link #ANY}, or a class index below {@link #FIRST_CLASS}. */
    private final int[] tokens;
    private final CharClass[] classes;
    /** Non-null when the pattern is a literal followed by one trailing star (or just a literal). */
    private final String prefix;
    private final boolean prefixOnly;

    private EventPattern(String source, int[] tokens, CharClass[] classes, String prefix, boolean prefixOnly) {
        this.source = source;
        this.tokens = tokens;
        this.classes = classes;
        this.prefix = prefix;
        this.prefixOnly = prefixOnly;
    }

    /** Compiles a pattern; throws {@link Malformed} when it is not well formed or longer than {@link #MAX_LENGTH}. */
    public static EventPattern compile(String pattern) {
        if (pattern.codePointCount(0, pattern.length()) > MAX_LENGTH) {
            throw new Malformed(pattern);
        }
        List<int[]> classRanges = new ArrayList<>();
        List<Boolean> classNegated = new ArrayList<>();
        int[] tokens = new int[pattern.length()];
        int count = 0;
        int i = 0;
        while (i < pattern.length()) {
            int c = pattern.codePointAt(i);
            i += Character.charCount(c);
            switch (c) {
                case '*' -> {
                    if (count == 0 || tokens[count - 1] != STAR) { // a run of stars is one star
                        tokens[count++] = STAR;
                    }
                }
                case '?' -> tokens[count++] = ANY;
                case '[' -> {
                    boolean negated = i < pattern.length() && pattern.charAt(i) == '^';
                    if (negated) {
                        i++;
                    }
                    List<Integer> ranges = new ArrayList<>();
                    i = readClass(pattern, i, ranges);
                    classRanges.add(ranges.stream().mapToInt(Integer::intValue).toArray());
                    classNegated.add(negated);
                    tokens[count++] = FIRST_CLASS - (classRanges.size() - 1);
                }
                case '\\' -> {
                    if (i >= pattern.length()) {
                        throw new Malformed(pattern);
                    }
                    int escaped = pattern.codePointAt(i);
                    i += Character.charCount(escaped);
                    tokens[count++] = escaped;
                }
                default -> tokens[count++] = c;
            }
        }
        CharClass[] classes = new CharClass[classRanges.size()];
        for (int k = 0; k < classes.length; k++) {
            classes[k] = new CharClass(classNegated.get(k), classRanges.get(k));
        }
        int[] compiled = Arrays.copyOf(tokens, count);
        return new EventPattern(pattern, compiled, classes, literalPrefix(compiled), isPrefixOnly(compiled));
    }

    /**
     * Reads a bracket expression's members from {@code start} (after {@code [} and any {@code ^})
     * into {@code ranges} as (from, to) pairs; returns the index after its {@code ]}.
     */
    private static int readClass(String pattern, int start, List<Integer> ranges) {
        int i = start;
        while (i < pattern.length() && pattern.charAt(i) != ']') {
            int from = pattern.codePointAt(i);
            if (from == '\\') {
                i++;
                if (i >= pattern.length()) {
                    throw new Malformed(pattern);
                }
                from = pattern.codePointAt(i);
            }
            i += Character.charCount(from);
            if (i + 1 < pattern.length() && pattern.charAt(i) == '-' && pattern.charAt(i + 1) != ']') {
                int to = pattern.codePointAt(i + 1);
                i += 1 + Character.charCount(to);
                // Redis accepts a reversed range as the same range.
                ranges.add(Math.min(from, to));
                ranges.add(Math.max(from, to));
            } else {
                ranges.add(from);
                ranges.add(from);
            }
        }
        if (i >= pattern.length() || ranges.isEmpty()) {
            throw new Malformed(pattern);
        }
        return i + 1;
    }

    /** The literal before a single trailing star (or the whole literal), or null when the pattern has other wildcards. */
    private static String literalPrefix(int[] tokens) {
        StringBuilder literal = new StringBuilder();
        for (int k = 0; k < tokens.length; k++) {
            int token = tokens[k];
            if (token == STAR && k == tokens.length - 1) {
                break;
            }
            if (token < 0) {
                return null;
            }
            literal.appendCodePoint(token);
        }
        return literal.toString();
    }

    private static boolean isPrefixOnly(int[] tokens) {
        return tokens.length > 0 && tokens[tokens.length - 1] == STAR;
    }

    /** Whether the whole event name matches; cost at most pattern length times event length. */
    public boolean matches(String event) {
        if (prefix != null) {
            return prefixOnly ? event.startsWith(prefix) : event.equals(prefix);
        }
        int token = 0;
        int at = 0;
        int starToken = -1;   // the token after the last star seen
        int starAt = 0;       // where that star's run currently ends in the event
        while (at < event.length()) {
            int c = event.codePointAt(at);
            if (token < tokens.length && tokens[token] != STAR && accepts(tokens[token], c)) {
                token++;
                at += Character.charCount(c);
            } else if (token < tokens.length && tokens[token] == STAR) {
                starToken = ++token;
                starAt = at;
            } else if (starToken >= 0) {
                // Let the last star take one more character and retry what follows it; earlier
                // stars never need to give anything back, which is what bounds the cost.
                starAt += Character.charCount(event.codePointAt(starAt));
                at = starAt;
                token = starToken;
            } else {
                return false;
            }
        }
        while (token < tokens.length && tokens[token] == STAR) {
            token++;
        }
        return token == tokens.length;
    }

    private boolean accepts(int token, int c) {
        if (token >= 0) {
            return token == c;
        }
        return token == ANY || classes[FIRST_CLASS - token].accepts(c);
    }

    /** The pattern as the client wrote it. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }
}
