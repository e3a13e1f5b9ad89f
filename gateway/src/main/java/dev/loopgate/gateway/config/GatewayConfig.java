package dev.loopgate.gateway.config;

import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.TierTable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated, immutable gateway configuration. Built only by {@link ConfigLoader}.
 * {@code rules} are the compiled routing rules the gateway starts with (the default pack
 * when the file has none). {@code maxTotalAttempts} bounds the upstream attempts of one
 * call over all its targets, retries included.
 */
public record GatewayConfig(
        ServerConfig server,
        Optional<RedisConfig> redis,
        AuditConfig audit,
        Map<String, ProviderConfig> providers,
        Map<String, ModelConfig> models,
        TierTable tiers,
        List<KeyConfig> keys,
        RuleSet rules,
        BudgetsConfig budgets,
        BreakersConfig breakers,
        ToolScope tools,
        int maxTotalAttempts,
        Duration responsesTtl) {

    public GatewayConfig {
        if (maxTotalAttempts < 1) {
            throw new IllegalArgumentException("maxTotalAttempts must be at least 1, got " + maxTotalAttempts);
        }
        providers = Map.copyOf(providers);
        models = Map.copyOf(models);
        keys = List.copyOf(keys);
    }

    public ModelConfig model(String id) {
        ModelConfig model = models.get(id);
        if (model == null) {
            throw new IllegalArgumentException("unknown model '" + id + "'");
        }
        return model;
    }
}
