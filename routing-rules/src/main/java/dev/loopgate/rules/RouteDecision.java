package dev.loopgate.rules;

import java.util.List;
import java.util.Objects;

/**
 * Where one call goes: the tier (null when a concrete model was chosen), the rule that
 * decided it, the ordered model ids to try, and a cap on {@code max_tokens}.
 *
 * @param maxTokensCap the largest {@code max_tokens} the call may ask for, or 0 for no cap
 */
public record RouteDecision(String tier, String rule, List<String> targets, int maxTokensCap) implements Decision {
    public static final int NO_CAP = 0;

    public RouteDecision {
        Objects.requireNonNull(rule, "rule");
        targets = List.copyOf(targets);
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one target");
        }
        if (maxTokensCap < 0) {
            throw new IllegalArgumentException("maxTokensCap must not be negative");
        }
    }

    public RouteDecision(String tier, String rule, List<String> targets) {
        this(tier, rule, targets, NO_CAP);
    }
}
