package dev.loopgate.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The tiers an operator configured, each an ordered fallback list of model names,
 * plus the tier that {@code auto} means until rules decide otherwise, and the aliases:
 * requested names (globs, first match wins) that stand for {@code auto}, a tier or a model,
 * such as the concrete model names a coding agent asks for.
 */
public record TierTable(Map<String, List<String>> tiers, String defaultTier, Set<String> models,
        Map<String, String> aliases) {
    public static final String AUTO = "auto";

    public TierTable(Map<String, List<String>> tiers, String defaultTier, Set<String> models) {
        this(tiers, defaultTier, models, Map.of());
    }

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
        Map<String, String> aliasCopy = new LinkedHashMap<>();
        for (Map.Entry<String, String> alias : Objects.requireNonNull(aliases, "aliases").entrySet()) {
            String target = alias.getValue();
            if (!AUTO.equals(target) && !tiers.containsKey(target) && !models.contains(target)) {
                throw new IllegalArgumentException("alias '" + alias.getKey() + "' names '" + target
                        + "', which is neither auto, a tier nor a model");
            }
            aliasCopy.put(alias.getKey(), target);
        }
        aliases = Collections.unmodifiableMap(aliasCopy);
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
