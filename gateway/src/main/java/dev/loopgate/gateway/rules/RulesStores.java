package dev.loopgate.gateway.rules;

import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.rules.store.InMemoryRulesStore;
import dev.loopgate.gateway.rules.store.RedisRulesStore;
import dev.loopgate.gateway.rules.store.RulesStore;
import io.vertx.core.Vertx;

/** Where rules versions live: Redis when configured (shared by every replica), else this process's memory. */
public final class RulesStores {
    private RulesStores() {
    }

    /** @param redis the gateway's Redis client when {@code config} names one, else null */
    public static RulesStore forConfig(Vertx vertx, GatewayConfig config, RedisLink redis) {
        return config.redis()
                .<RulesStore>map(found -> new RedisRulesStore(vertx, redis, found.namespace()))
                .orElseGet(() -> new InMemoryRulesStore(vertx));
    }
}
