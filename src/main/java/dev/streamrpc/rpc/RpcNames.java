package dev.streamrpc.rpc;

import java.util.Locale;
import java.util.regex.Pattern;

/** How an RPC method is named when {@code @RpcMethod} gives no name. */
final class RpcNames {

    private static final Pattern LOWER_UPPER = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Pattern ACRONYM_WORD = Pattern.compile("([A-Z]+)([A-Z][a-z])");

    private RpcNames() {
    }

    /** {@code serverInfo} is {@code server_info}; {@code getHTTPStatus} is {@code get_http_status}. */
    static String snakeCase(String javaName) {
        String split = ACRONYM_WORD.matcher(javaName).replaceAll("$1_$2");
        split = LOWER_UPPER.matcher(split).replaceAll("$1_$2");
        return split.toLowerCase(Locale.ROOT);
    }
}
