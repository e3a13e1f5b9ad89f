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
import java.util.Optional;

/**
 * The health breakers of every provider+model target of one gateway, shared by all its
 * event loops. A call asks {@link #acquire} before it sends to a target and reports how
 * it went on the permit; {@link #snapshot()} is the read-only view for the admin API and
 * for metrics. Time comes from the injected clock.
 */
public final class ProviderHealth {
    private final Clock clock;
    private volatile Map<String, Target> targets = Map.of();

    /** A model's breaker and what it was made from. */
    private record Target(String provider, HealthConfig settings, TargetHealth health) {
    }

    private ProviderHealth(Clock clock) {
        this.clock = clock;
    }

    /** One breaker per configured model (a model names exactly one provider), with its provider's health settings. */
    public static ProviderHealth create(GatewayConfig config, Clock clock) {
        ProviderHealth health = new ProviderHealth(clock);
        health.reconfigure(config);
        return health;
    }

    /**
     * The targets of a reloaded config: a model still served by the same provider with the same
     * health settings keeps its breaker and its recent calls; the others start closed.
     */
    public void reconfigure(GatewayConfig config) {
        Map<String, Target> before = targets;
        Map<String, Target> next = new LinkedHashMap<>();
        config.models().values().stream()
                .sorted(Comparator.comparing(ModelConfig::provider).thenComparing(ModelConfig::id))
                .forEach(model -> {
                    HealthConfig settings = config.providers().get(model.provider()).health();
                    Target kept = before.get(model.id());
                    next.put(model.id(), kept != null && kept.provider().equals(model.provider())
                            && kept.settings().equals(settings) ? kept
                            : new Target(model.provider(), settings,
                                    new TargetHealth(model.provider(), model.id(), settings, clock)));
                });
        targets = Collections.unmodifiableMap(next);
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
        Map<String, Target> now = targets;
        List<TargetSnapshot> all = new ArrayList<>(now.size());
        now.values().forEach(target -> all.add(target.health().snapshot()));
        return List.copyOf(all);
    }

    /** One target's state now, if the config still has it (a reload may have removed it). */
    public Optional<TargetSnapshot> find(String model) {
        Target target = targets.get(model);
        return target == null ? Optional.empty() : Optional.of(target.health().snapshot());
    }

    /** One target's state now. */
    public TargetSnapshot snapshot(String model) {
        return target(model).snapshot();
    }

    private TargetHealth target(String model) {
        Target target = targets.get(model);
        if (target == null) {
            throw new IllegalArgumentException("unknown model '" + model + "'");
        }
        return target.health();
    }
}
