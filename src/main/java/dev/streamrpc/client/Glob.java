package dev.streamrpc.client;

import java.util.Arrays;

/**
 * An event pattern with the glob syntax the server uses (Redis PSUBSCRIBE): {@code *}, {@code ?},
 * {@code [abc]}, {@code [^abc]}, {@code [a-z]} and {@code \x}. Messages do not say which of a
 * connection's patterns they matched, so the client matches again to pick the handlers.
 *
 * <p>The pattern is parsed once into at most one token per character. Matching is the classic
 * wildcard walk that goes back to the last {@code *} on a mismatch: at most the product of the
 * two lengths, and no regular expression to blow up. Characters are Unicode code points.
 */
final class Glob {

    private static final int LITERAL = 0;
    private static final int ONE = 1;
    private static final int ANY_RUN = 2;
    private static final int SET = 3;

    private final String source;
    private final int[] kinds;
    private final int[] literals;
    /** For {@link #SET} tokens: inclusive ranges as pairs of code points. */
    private final int[][] ranges;
    private final boolean[] negated;
    private int length;

    private Glob(String source, int capacity) {
        this.source = source;
        this.kinds = new int[capacity];
        this.literals = new int[capacity];
        this.ranges = new int[capacity][];
        this.negated = new boolean[capacity];
    }

    /** Parses a pattern; throws {@link IllegalArgumentException} where the server would answer {@code Invalid event pattern}. */
    static Glob compile(String pattern) {
        int[] chars = pattern.codePoints().toArray();
        Glob glob = new Glob(pattern, chars.length);
        int i = 0;
        while (i < chars.length) {
            int c = chars[i];
            if (c == '*' || c == '?') {
                glob.kinds[glob.length++] = c == '*' ? ANY_RUN : ONE;
                i++;
            } else if (c == '[') {
                i = glob.parseSet(chars, i + 1);
            } else {
                if (c == '\\') {
                    c = after(chars, i++, pattern);
                }
                glob.literals[glob.length] = c;
                glob.kinds[glob.length++] = LITERAL;
                i++;
            }
        }
        return glob;
    }

    /** Parses the members of a set whose {@code [} was just before {@code start}; returns the index after its {@code ]}. */
    private int parseSet(int[] chars, int start) {
        int i = start;
        boolean not = i < chars.length && chars[i] == '^';
        if (not) {
            i++;
        }
        int[] pairs = new int[2 * (chars.length - i)];
        int count = 0;
        while (i < chars.length && chars[i] != ']') {
            int from = chars[i];
            if (from == '\\') {
                from = after(chars, i++, source);
            }
            i++;
            int to = from;
            // "a-z" is a range unless the '-' is last in the set; a reversed range means the same range.
            if (i + 1 < chars.length && chars[i] == '-' && chars[i + 1] != ']') {
                to = chars[i + 1];
                i += 2;
            }
            pairs[count++] = Math.min(from, to);
            pairs[count++] = Math.max(from, to);
        }
        if (i >= chars.length || count == 0) {
            throw malformed(source);
        }
        negated[length] = not;
        ranges[length] = Arrays.copyOf(pairs, count);
        kinds[length++] = SET;
        return i + 1;
    }

    private static int after(int[] chars, int backslash, String pattern) {
        if (backslash + 1 >= chars.length) {
            throw malformed(pattern);
        }
        return chars[backslash + 1];
    }

    private static IllegalArgumentException malformed(String pattern) {
        return new IllegalArgumentException("Invalid event pattern: " + pattern);
    }

    /** True when the pattern matches the whole event name. */
    boolean matches(String event) {
        int token = 0;
        int at = 0;
        int lastRun = -1;      // the token index of the last '*' passed
        int runEnd = 0;        // where in the event that '*' currently ends
        while (at < event.length()) {
            int c = event.codePointAt(at);
            if (token < length && kinds[token] == ANY_RUN) {
                lastRun = token++;
                runEnd = at;
            } else if (token < length && matchesOne(token, c)) {
                token++;
                at += Character.charCount(c);
            } else if (lastRun >= 0) {
                // Let the last '*' take one more character and try the rest again.
                token = lastRun + 1;
                runEnd += Character.charCount(event.codePointAt(runEnd));
                at = runEnd;
            } else {
                return false;
            }
        }
        while (token < length && kinds[token] == ANY_RUN) {
            token++;
        }
        return token == length;
    }

    private boolean matchesOne(int token, int c) {
        if (kinds[token] == ONE) {
            return true;
        }
        if (kinds[token] == LITERAL) {
            return literals[token] == c;
        }
        int[] pairs = ranges[token];
        boolean member = false;
        for (int i = 0; i < pairs.length && !member; i += 2) {
            member = c >= pairs[i] && c <= pairs[i + 1];
        }
        return member != negated[token];
    }

    @Override
    public String toString() {
        return source;
    }
}
