package dev.streamrpc.rpc;

import dev.streamrpc.api.RpcMethod;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.regex.Pattern;

/** How an RPC method is named: the annotation's value, or else the Java name in snake_case. */
public final class RpcNames {

    private static final Pattern LOWER_UPPER = Pattern.compile("([a-z0-9])([A-Z])");
    private static final Pattern ACRONYM_WORD = Pattern.compile("([A-Z]+)([A-Z][a-z])");

    private RpcNames() {
    }

    /** The RPC name of a method annotated {@code @RpcMethod}. */
    public static String of(Method method) {
        String declared = method.getAnnotation(RpcMethod.class).value();
        return declared.isEmpty() ? snakeCase(method.getName()) : declared;
    }

    /** {@code serverInfo} is {@code server_info}; {@code getHTTPStatus} is {@code get_http_status}. */
    static String snakeCase(String javaName) {
        String split = ACRONYM_WORD.matcher(javaName).replaceAll("$1_$2");
        split = LOWER_UPPER.matcher(split).replaceAll("$1_$2");
        return split.toLowerCase(Locale.ROOT);
    }
}
