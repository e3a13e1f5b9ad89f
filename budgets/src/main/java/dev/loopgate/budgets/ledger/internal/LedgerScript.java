package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.redis.LuaScript;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The ledger's Lua scripts; the loop scripts start with {@code lib_v1.lua}. */
public enum LedgerScript {
    RESERVE("reserve_v1.lua", true),
    SETTLE("settle_v1.lua", true),
    CHARGE("charge_v1.lua", true),
    LOOP("loop_v1.lua", true),
    RESTORE("restore_v1.lua", true),
    KEY("key_v1.lua", false),
    EPOCH("epoch_v1.lua", false);

    private final LuaScript script;

    LedgerScript(String file, boolean withLibrary) {
        this.script = withLibrary ? LuaScript.concat(LedgerScript.class, "lib_v1.lua", file)
                : LuaScript.load(LedgerScript.class, file);
    }

    /** The script's reply: a list of Longs, Strings, nulls (Lua false) and lists. */
    public CompletableFuture<List<Object>> run(RedisClusterAsyncCommands<String, String> redis, String[] keys,
            String... args) {
        return script.run(redis, ScriptOutputType.MULTI, keys, args);
    }

    /** Caches every ledger script in Redis, so no call has to send one whole. */
    public static CompletableFuture<Void> preloadAll(RedisClusterAsyncCommands<String, String> redis) {
        LedgerScript[] all = values();
        CompletableFuture<?>[] loads = new CompletableFuture<?>[all.length];
        for (int i = 0; i < all.length; i++) {
            loads[i] = all[i].script.preload(redis);
        }
        return CompletableFuture.allOf(loads);
    }
}
