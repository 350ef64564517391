package dev.streamrpc.pubsub;

import java.util.regex.Pattern;

/**
 * A compiled event pattern with the glob syntax of Redis PSUBSCRIBE: {@code *} any run of
 * characters, {@code ?} one character, {@code [abc]}, {@code [^abc]}, {@code [a-z]}, and
 * {@code \x} for x itself. Every other character matches only itself (the seed's converter
 * let {@code .} match anything). A pattern matches the whole event name.
 *
 * <p>Patterns are compiled once, when subscribed; matching {@code *} and plain names needs
 * no regular expression at all.
 */
public final class EventPattern {

    /** The pattern was not well formed: an unclosed or empty {@code [}, or a trailing {@code \}. */
    public static final class Malformed extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        Malformed(String pattern) {
            super("Invalid event pattern: " + pattern, null);
        }
    }

    private final String source;
    private final Pattern regex;     // null for the fast cases
    private final String literal;    // non-null when the pattern has no wildcards
    private final boolean matchesAll;

    private EventPattern(String source, Pattern regex, String literal, boolean matchesAll) {
        this.source = source;
        this.regex = regex;
        this.literal = literal;
        this.matchesAll = matchesAll;
    }

    /** Compiles a pattern; throws {@link Malformed} when it is not well formed. */
    public static EventPattern compile(String pattern) {
        if (pattern.equals("*")) {
            return new EventPattern(pattern, null, null, true);
        }
        StringBuilder regex = new StringBuilder(pattern.length() + 8);
        StringBuilder literal = new StringBuilder(pattern.length());
        boolean wild = false;
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> {
                    wild = true;
                    regex.append(".*");
                    i++;
                }
                case '?' -> {
                    wild = true;
                    regex.append('.');
                    i++;
                }
                case '[' -> {
                    wild = true;
                    i = appendClass(pattern, i, regex);
                }
                case '\\' -> {
                    if (i + 1 >= pattern.length()) {
                        throw new Malformed(pattern);
                    }
                    char escaped = pattern.charAt(i + 1);
                    appendLiteral(regex, escaped);
                    literal.append(escaped);
                    i += 2;
                }
                default -> {
                    appendLiteral(regex, c);
                    literal.append(c);
                    i++;
                }
            }
        }
        if (!wild) {
            return new EventPattern(pattern, null, literal.toString(), false);
        }
        return new EventPattern(pattern, Pattern.compile(regex.toString(), Pattern.DOTALL), null, false);
    }

    /** Appends a bracket expression starting at {@code start}; returns the index after its {@code ]}. */
    private static int appendClass(String pattern, int start, StringBuilder regex) {
        int i = start + 1;
        StringBuilder members = new StringBuilder();
        boolean negated = i < pattern.length() && pattern.charAt(i) == '^';
        if (negated) {
            i++;
        }
        while (i < pattern.length() && pattern.charAt(i) != ']') {
            char from = pattern.charAt(i);
            if (from == '\\') {
                if (i + 1 >= pattern.length()) {
                    throw new Malformed(pattern);
                }
                from = pattern.charAt(++i);
            }
            i++;
            if (i + 1 < pattern.length() && pattern.charAt(i) == '-' && pattern.charAt(i + 1) != ']') {
                char to = pattern.charAt(i + 1);
                i += 2;
                // Redis accepts a reversed range as the same range.
                appendRange(members, (char) Math.min(from, to), (char) Math.max(from, to));
            } else {
                appendClassMember(members, from);
            }
        }
        if (i >= pattern.length() || members.length() == 0) {
            throw new Malformed(pattern);
        }
        regex.append('[');
        if (negated) {
            regex.append('^');
        }
        regex.append(members).append(']');
        return i + 1;
    }

    private static void appendRange(StringBuilder members, char from, char to) {
        appendClassMember(members, from);
        members.append('-');
        appendClassMember(members, to);
    }

    private static void appendClassMember(StringBuilder members, char c) {
        members.append("\\x{").append(Integer.toHexString(c)).append('}');
    }

    private static void appendLiteral(StringBuilder regex, char c) {
        if (Character.isLetterOrDigit(c)) {
            regex.append(c);
        } else {
            regex.append("\\x{").append(Integer.toHexString(c)).append('}');
        }
    }

    public boolean matches(String event) {
        if (matchesAll) {
            return true;
        }
        if (literal != null) {
            return literal.equals(event);
        }
        return regex.matcher(event).matches();
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
