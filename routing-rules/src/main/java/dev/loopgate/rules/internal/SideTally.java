package dev.loopgate.rules.internal;

import dev.loopgate.rules.CostModel;
import dev.loopgate.rules.Decision;
import dev.loopgate.rules.RecordedCall;
import dev.loopgate.rules.RouteDecision;
import dev.loopgate.rules.SimulationReport.Side;
import dev.loopgate.rules.SimulationReport.TierTotals;
import dev.loopgate.rules.TierTable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Adds up one side of a what-if replay: calls, refusals, and calls and cost per tier or concrete model. */
public final class SideTally {
    private final CostModel costs;
    private final Map<String, long[]> tiers = new LinkedHashMap<>();
    private final Map<String, long[]> models = new TreeMap<>();
    private long calls;
    private long rejected;
    private long costNanos;

    public SideTally(TierTable table, CostModel costs) {
        this.costs = costs;
        for (String tier : table.tiers().keySet()) {
            tiers.put(tier, new long[2]);
        }
    }

    /** Counts one call as {@code decision} routes it, and returns what it costs there. */
    public long add(Decision decision, RecordedCall call) {
        calls++;
        if (!(decision instanceof RouteDecision route)) {
            rejected++;
            return 0;
        }
        String model = route.targets().get(0);
        long cost = costs.costNanos(model, call.promptTokens(), call.completionTokens());
        long[] totals = route.tier() != null
                ? tiers.computeIfAbsent(route.tier(), t -> new long[2])
                : models.computeIfAbsent("model:" + model, m -> new long[2]);
        totals[0]++;
        totals[1] += cost;
        costNanos += cost;
        return cost;
    }

    public Side side() {
        Map<String, TierTotals> byDestination = new LinkedHashMap<>();
        tiers.forEach((k, v) -> byDestination.put(k, new TierTotals(v[0], v[1])));
        models.forEach((k, v) -> byDestination.put(k, new TierTotals(v[0], v[1])));
        return new Side(calls, rejected, costNanos, byDestination);
    }
}
