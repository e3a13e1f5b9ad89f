package dev.loopgate.gateway.rules.store;

import dev.loopgate.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;

/** Picks the rules store a gateway's configuration asks for. */
public final class RulesStores {
    private RulesStores() {
    }

    /**
     * Redis when {@code redis} is configured (shared by every replica; connecting starts at
     * once and the first operation fails if Redis cannot be used), else in memory (one
     * gateway instance). The store's futures and listeners run on a context of {@code vertx}
     * taken now.
     */
    public static RulesStore forConfig(Vertx vertx, GatewayConfig config) {
        return config.redis()
                .<RulesStore>map(redis -> new RedisRulesStore(vertx, redis.url(), redis.namespace()))
                .orElseGet(() -> new InMemoryRulesStore(vertx));
    }
}
