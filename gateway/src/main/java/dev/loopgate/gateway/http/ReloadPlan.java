package dev.loopgate.gateway.http;

import dev.loopgate.gateway.config.BreakersConfig;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.ConfigException;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.ProviderType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a reload of gateway.yaml will serve: the file's providers, models, prices, tiers,
 * aliases, keys, budgets, limits and breakers, with the settings that only a restart can
 * change (the server, the stores, the reservation TTL and Redis-down policy, the webhook and its secret)
 * kept as they run and named in the report. {@code rules:} in the file only seed an empty
 * rules store, so a reload leaves routing rules to {@code PUT /admin/rules}.
 */
record ReloadPlan(GatewayConfig serve, ReloadReport report) {

    /**
     * @param running the config calls are served with now
     * @param read    the file as just read and validated
     * @throws ConfigException when the file asks for what a reload cannot do (a new simulated provider)
     */
    static ReloadPlan of(GatewayConfig running, GatewayConfig read) {
        List<String> needsRestart = new ArrayList<>();
        differs(needsRestart, "server", running.server(), read.server());
        differs(needsRestart, "redis", running.redis(), read.redis());
        differs(needsRestart, "audit", running.audit(), read.audit());
        BudgetsConfig was = running.budgets();
        BudgetsConfig budgets = read.budgets();
        differs(needsRestart, "budgets.reservation_ttl", was.reservationTtl(), budgets.reservationTtl());
        differs(needsRestart, "budgets.on_redis_down", was.onRedisDown(), budgets.onRedisDown());
        differs(needsRestart, "budgets.local_slice", was.localSlice(), budgets.localSlice());
        differs(needsRestart, "breakers.notify", List.of(running.breakers().webhook(), running.breakers().webhookSecret()),
                List.of(read.breakers().webhook(), read.breakers().webhookSecret()));
        List<String> problems = new ArrayList<>();
        read.providers().forEach((name, provider) -> {
            ProviderConfig before = running.providers().get(name);
            if (provider.type() == ProviderType.SIMULATED && (before == null || !before.equals(provider))) {
                problems.add("providers." + name + ": a simulated provider added or changed needs a restart");
            }
        });
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        GatewayConfig serve = new GatewayConfig(running.server(), running.redis(), running.audit(), read.providers(),
                read.models(), read.tiers(), read.keys(), running.rules(),
                new BudgetsConfig(budgets.defaults(), budgets.loops(), budgets.keys(), was.reservationTtl(),
                        was.onRedisDown(), was.localSlice()),
                new BreakersConfig(read.breakers().settings(), running.breakers().webhook(),
                        running.breakers().webhookSecret(), read.breakers().warnAt()), read.tools(),
                read.maxTotalAttempts(), read.responsesTtl());
        List<String> changed = new ArrayList<>();
        differs(changed, "providers", running.providers(), serve.providers());
        differs(changed, "models", running.models(), serve.models());
        differs(changed, "tiers", running.tiers(), serve.tiers());
        differs(changed, "keys", running.keys(), serve.keys());
        differs(changed, "budgets", running.budgets(), serve.budgets());
        differs(changed, "breakers", running.breakers(), serve.breakers());
        differs(changed, "tools", running.tools(), serve.tools());
        differs(changed, "retries", running.maxTotalAttempts(), serve.maxTotalAttempts());
        differs(changed, "responses", running.responsesTtl(), serve.responsesTtl());
        return new ReloadPlan(serve, new ReloadReport(changed, needsRestart));
    }

    private static void differs(List<String> into, String path, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            into.add(path);
        }
    }
}
