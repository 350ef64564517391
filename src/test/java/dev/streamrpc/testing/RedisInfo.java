package dev.streamrpc.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the numbers of a Redis {@code INFO} reply, for the tests and the benchmark alike. */
public final class RedisInfo {

    private RedisInfo() {
    }

    /** The value of the {@code name:value} line of {@code info}; fails when there is none. */
    public static double number(String info, String name) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + ":([0-9.]+)").matcher(info);
        if (!value.find()) {
            throw new IllegalStateException("INFO has no " + name);
        }
        return Double.parseDouble(value.group(1));
    }

    /**
     * How many times the node has run {@code command} (lower case, as {@code INFO commandstats}
     * names it) since it started, from that reply; 0 before its first call.
     */
    public static long calls(String commandStats, String command) {
        Matcher calls = Pattern.compile("(?m)^cmdstat_" + Pattern.quote(command) + ":calls=(\\d+)").matcher(commandStats);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
