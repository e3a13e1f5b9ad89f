package dev.loopgate.rules.internal;

import dev.loopgate.rules.RouteDecision;
import dev.loopgate.rules.TierTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a destination rule (or the requested model, when no rule decided) sends a call, with the
 * decision for every tier it may be shifted to computed up front, so deciding allocates nothing
 * unless a modifier's cap changes the result.
 */
final class Destination {
    /** The tier's position in configured order, or -1 for a concrete model, which no shift moves. */
    private final int tierIndex;
    /** For a tier: the decision per final tier index. For a model: its one decision. */
    private final RouteDecision[] decisions;

    private Destination(int tierIndex, RouteDecision[] decisions) {
        this.tierIndex = tierIndex;
        this.decisions = decisions;
    }

    /** {@code tier} null means the concrete {@code model}. */
    static Destination of(TierTable tiers, String tier, String model, String rule, int cap) {
        if (tier == null) {
            return new Destination(-1, new RouteDecision[] {new RouteDecision(null, rule, List.of(model), cap)});
        }
        List<String> names = new ArrayList<>(tiers.tiers().keySet());
        RouteDecision[] byTier = new RouteDecision[names.size()];
        for (int i = 0; i < byTier.length; i++) {
            byTier[i] = new RouteDecision(names.get(i), rule, tiers.chain(names.get(i)), cap);
        }
        return new Destination(names.indexOf(tier), byTier);
    }

    /** The same decision {@link dev.loopgate.rules.RequestedModelRouter} made, precomputed with its shifts. */
    static Destination of(TierTable tiers, RouteDecision requested) {
        String model = requested.tier() == null ? requested.targets().get(0) : null;
        return of(tiers, requested.tier(), model, requested.rule(), requested.maxTokensCap());
    }

    boolean isTier() {
        return tierIndex >= 0;
    }

    RouteDecision unshifted() {
        return decisions[Math.max(tierIndex, 0)];
    }

    /** The tier index after moving {@code shift} tiers toward the first one (negative: toward the last), clamped. */
    int shiftedIndex(int shift) {
        if (tierIndex < 0) {
            return 0;
        }
        return Math.max(0, Math.min(decisions.length - 1, tierIndex - shift));
    }

    /** The decision after a net {@code shift} (ignored for a model) and a further cap (0: none). */
    RouteDecision apply(int shift, int cap) {
        RouteDecision base = decisions[shiftedIndex(shift)];
        int combined = minCap(base.maxTokensCap(), cap);
        return combined == base.maxTokensCap() ? base : new RouteDecision(base.tier(), base.rule(), base.targets(), combined);
    }

    /** The smaller of two caps, where 0 means no cap. */
    static int minCap(int a, int b) {
        if (a == RouteDecision.NO_CAP) {
            return b;
        }
        return b == RouteDecision.NO_CAP ? a : Math.min(a, b);
    }
}
