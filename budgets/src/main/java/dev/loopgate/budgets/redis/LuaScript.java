package dev.loopgate.budgets.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * A Lua script, run by its SHA-1 (EVALSHA); when Redis does not know it (a restart, SCRIPT
 * FLUSH, or a replica promoted on a cluster or under Sentinel) it is sent whole once (EVAL,
 * which also caches it). The one script runner of every Redis-backed part.
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
        return new LuaScript(name, read(user, name));
    }

    /** The resources {@code names} in {@code user}'s package, one after the other, as one script named by the last. */
    public static LuaScript concat(Class<?> user, String... names) {
        StringBuilder text = new StringBuilder();
        for (String part : names) {
            text.append(read(user, part)).append('\n');
        }
        return new LuaScript(names[names.length - 1], text.toString());
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    @SafeVarargs
    public final <T, K, V> CompletableFuture<T> run(RedisClusterAsyncCommands<K, V> redis, ScriptOutputType type,
            K[] keys, V... args) {
        return redis.<T>evalsha(sha, type, keys, args).toCompletableFuture()
                .exceptionallyCompose(failure -> isNoScript(failure)
                        ? redis.<T>eval(text, type, keys, args).toCompletableFuture()
                        : CompletableFuture.failedFuture(new IllegalStateException(
                                "script " + name + " failed: " + RedisLink.describe(failure), failure)));
    }

    /**
     * Caches the script in Redis (SCRIPT LOAD, on every node of a cluster) so the first call
     * need not send it whole; a call works without it.
     */
    public <K, V> CompletableFuture<String> preload(RedisClusterAsyncCommands<K, V> redis) {
        return redis.scriptLoad(text).toCompletableFuture();
    }

    /** Whether Redis answered that it does not know the script (a restart or SCRIPT FLUSH emptied its cache). */
    static boolean isNoScript(Throwable failure) {
        Throwable cause = RedisLink.unwrap(failure);
        return cause instanceof RedisNoScriptException
                || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
    }

    private static String read(Class<?> user, String name) {
        try (InputStream in = user.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + user.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
    }
}
