package dev.loopgate.gateway.rules;

import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.rules.store.InMemoryRulesStore;
import dev.loopgate.gateway.rules.store.RedisRulesStore;
import dev.loopgate.gateway.rules.store.RulesStore;
import io.vertx.core.Vertx;

/** Where rules versions live: Redis when configured (shared by every replica), else this process's memory. */
public final class RulesStores {
    private RulesStores() {
    }

    public static RulesStore forConfig(Vertx vertx, GatewayConfig config) {
        return config.redis()
                .<RulesStore>map(redis -> new RedisRulesStore(vertx, redis.url(), redis.namespace()))
                .orElseGet(() -> new InMemoryRulesStore(vertx));
    }
}
