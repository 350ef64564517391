package dev.streamrpc.broker.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script shipped with the broker, run by its SHA-1 (EVALSHA) so that each call sends
 * only its keys and arguments; a Redis that does not know it yet (just started, flushed, or a
 * promoted replica) answers NOSCRIPT, and the script is sent whole once (EVAL, which also
 * caches it there).
 */
final class RedisScript {

    private final byte[] text;
    private final String sha;
    private final ScriptOutputType output;

    private RedisScript(byte[] text, ScriptOutputType output) {
        this.text = text;
        this.output = output;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loads {@code name} beside this class. */
    static RedisScript load(String name, ScriptOutputType output) {
        try (InputStream in = RedisScript.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + name);
            }
            return new RedisScript(in.readAllBytes(), output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    <T> CompletionStage<T> run(RedisScriptingAsyncCommands<byte[], byte[]> commands, byte[][] keys, byte[]... arguments) {
        CompletableFuture<T> result = new CompletableFuture<>();
        commands.<T>evalsha(sha, output, keys, arguments).whenComplete((value, failure) -> {
            if (failure instanceof RedisNoScriptException) {
                commands.<T>eval(text, output, keys, arguments).whenComplete((again, failed) -> {
                    if (failed == null) {
                        result.complete(again);
                    } else {
                        result.completeExceptionally(failed);
                    }
                });
            } else if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(value);
            }
        });
        return result;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
