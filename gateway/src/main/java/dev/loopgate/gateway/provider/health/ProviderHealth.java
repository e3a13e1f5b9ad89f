package dev.loopgate.gateway.provider.health;

import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.config.ModelConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health breakers of every provider+model target of one gateway, shared by all its
 * event loops. A call asks {@link #acquire} before it sends to a target and reports how
 * it went on the permit; {@link #snapshot()} is the read-only view for the admin API and
 * for metrics. Time comes from the injected clock.
 */
public final class ProviderHealth {
    private final Map<String, TargetHealth> targets;

    private ProviderHealth(Map<String, TargetHealth> targets) {
        this.targets = targets;
    }

    /** One breaker per configured model (a model names exactly one provider), with its provider's health settings. */
    public static ProviderHealth create(GatewayConfig config, Clock clock) {
        Map<String, TargetHealth> targets = new LinkedHashMap<>();
        config.models().values().stream()
                .sorted(Comparator.comparing(ModelConfig::provider).thenComparing(ModelConfig::id))
                .forEach(model -> {
                    HealthConfig health = config.providers().get(model.provider()).health();
                    targets.put(model.id(), new TargetHealth(model.provider(), model.id(), health, clock));
                });
        return new ProviderHealth(Collections.unmodifiableMap(targets));
    }

    /** Whether a call may go to this model's target now; a closed breaker always says yes. */
    public Permit acquire(String model) {
        return target(model).acquire();
    }

    /**
     * For a call none of whose targets would take it: the one of {@code models} whose
     * breaker opened longest ago, let through anyway. Its success closes that breaker,
     * its failure opens it again from now, so such calls take turns over the targets.
     *
     * @return the chosen model and its permit
     */
    public Map.Entry<String, Permit> forceLeastRecentlyOpened(List<String> models) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no targets to choose from");
        }
        String chosen = models.get(0);
        long oldest = target(chosen).openedAtMillis();
        for (String model : models) {
            long openedAt = target(model).openedAtMillis();
            if (openedAt < oldest) {
                chosen = model;
                oldest = openedAt;
            }
        }
        return Map.entry(chosen, target(chosen).force());
    }

    /** Every target's state now, ordered by provider then model. */
    public List<TargetSnapshot> snapshot() {
        List<TargetSnapshot> all = new ArrayList<>(targets.size());
        targets.values().forEach(target -> all.add(target.snapshot()));
        return List.copyOf(all);
    }

    /** One target's state now. */
    public TargetSnapshot snapshot(String model) {
        return target(model).snapshot();
    }

    private TargetHealth target(String model) {
        TargetHealth target = targets.get(model);
        if (target == null) {
            throw new IllegalArgumentException("unknown model '" + model + "'");
        }
        return target;
    }
}
