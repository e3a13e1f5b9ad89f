package dev.loopgate.rules;

import java.util.List;
import java.util.Objects;

/**
 * Where one call goes: the tier (absent when a concrete model was asked for), the
 * rule that decided it, and the ordered model names to try.
 */
public record RouteDecision(String tier, String rule, List<String> targets) {
    public RouteDecision {
        Objects.requireNonNull(rule, "rule");
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one target");
        }
    }
}
