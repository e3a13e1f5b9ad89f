package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.internal.LuaScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Runs the ledger's scripts by SHA (EVALSHA). They are loaded once (SCRIPT LOAD) when the
 * connection opens, and again when Redis says NOSCRIPT (a restart or SCRIPT FLUSH emptied
 * its script cache), after which the call is made once more.
 */
public final class Scripts {
    private static final String NO_SHA = "0000000000000000000000000000000000000000";

    private final RedisAsyncCommands<String, String> redis;
    private final AtomicReferenceArray<String> shas = new AtomicReferenceArray<>(LedgerScript.values().length);

    private Scripts(RedisAsyncCommands<String, String> redis) {
        this.redis = redis;
    }

    /** Loads every script. */
    public static CompletableFuture<Scripts> load(RedisAsyncCommands<String, String> redis) {
        Scripts scripts = new Scripts(redis);
        LedgerScript[] all = LedgerScript.values();
        CompletableFuture<?>[] loads = new CompletableFuture<?>[all.length];
        for (int i = 0; i < all.length; i++) {
            loads[i] = scripts.load(all[i]);
        }
        return CompletableFuture.allOf(loads).thenApply(loaded -> scripts);
    }

    /** The script's reply: a list of Longs, Strings, nulls (Lua false) and lists. */
    public CompletableFuture<List<Object>> run(LedgerScript script, String[] keys, String... args) {
        return evalsha(script, keys, args).exceptionallyCompose(failure -> LuaScript.isNoScript(failure)
                ? load(script).thenCompose(sha -> evalsha(script, keys, args))
                : CompletableFuture.failedFuture(failure));
    }

    /** Makes every script look unknown to this client, as after a Redis restart (for tests of NOSCRIPT). */
    public void forgetShas() {
        for (int i = 0; i < shas.length(); i++) {
            shas.set(i, NO_SHA);
        }
    }

    private CompletableFuture<List<Object>> evalsha(LedgerScript script, String[] keys, String[] args) {
        return redis.<List<Object>>evalsha(shas.get(script.ordinal()), ScriptOutputType.MULTI, keys, args)
                .toCompletableFuture();
    }

    private CompletableFuture<String> load(LedgerScript script) {
        return redis.scriptLoad(script.source()).toCompletableFuture().thenApply(sha -> {
            shas.set(script.ordinal(), sha);
            return sha;
        });
    }
}
