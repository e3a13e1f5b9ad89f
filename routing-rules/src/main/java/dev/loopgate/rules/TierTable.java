package dev.loopgate.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tiers an operator configured, each an ordered fallback list of model names,
 * plus the tier that {@code auto} means until rules decide otherwise.
 */
public record TierTable(Map<String, List<String>> tiers, String defaultTier, Set<String> models) {
    public static final String AUTO = "auto";

    public TierTable {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        Objects.requireNonNull(tiers, "tiers").forEach((name, chain) -> {
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("tier '" + name + "' needs at least one model");
            }
            copy.put(name, List.copyOf(chain));
        });
        tiers = Collections.unmodifiableMap(copy);
        models = Set.copyOf(Objects.requireNonNull(models, "models"));
        if (!tiers.containsKey(defaultTier)) {
            throw new IllegalArgumentException("default tier '" + defaultTier + "' is not a tier");
        }
    }

    public boolean isTier(String name) {
        return tiers.containsKey(name);
    }

    public List<String> chain(String tier) {
        List<String> chain = tiers.get(tier);
        if (chain == null) {
            throw new IllegalArgumentException("unknown tier '" + tier + "'");
        }
        return chain;
    }
}
