package dev.loopgate.budgets.internal;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script from the resources next to the class that uses it, run by its SHA-1 (EVALSHA);
 * when Redis does not know it (restart, SCRIPT FLUSH) it is sent whole once (EVAL, which also
 * caches it).
 */
public final class LuaScript {
    private final String name;
    private final String text;
    private final String sha;

    private LuaScript(String name, String text) {
        this.name = name;
        this.text = text;
        this.sha = sha1Hex(text);
    }

    /** A script from its text (for tests). */
    public static LuaScript of(String name, String text) {
        return new LuaScript(name, text);
    }

    /** The script {@code name} from the resources in {@code user}'s package. */
    public static LuaScript load(Class<?> user, String name) {
        try (InputStream in = user.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + user.getName());
            }
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SafeVarargs
    public final <T, K, V> CompletionStage<T> run(RedisAsyncCommands<K, V> redis, ScriptOutputType type, K[] keys,
            V... args) {
        return redis.<T>evalsha(sha, type, keys, args).toCompletableFuture()
                .exceptionallyCompose(failure -> isNoScript(failure)
                        ? redis.<T>eval(text, type, keys, args).toCompletableFuture()
                        : CompletableFuture.failedFuture(new IllegalStateException(
                                "script " + name + " failed: " + message(failure), failure)));
    }

    /** Whether Redis answered that it does not know the script (a restart or SCRIPT FLUSH emptied its cache). */
    public static boolean isNoScript(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof RedisNoScriptException
                || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
    }

    private static String message(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
