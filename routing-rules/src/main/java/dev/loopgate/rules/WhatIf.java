package dev.loopgate.rules;

import dev.loopgate.rules.SimulationReport.LoopDelta;
import dev.loopgate.rules.internal.SideTally;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Replays recorded calls through two rule sets and compares the tier mix and the cost. A call
 * costs what its recorded tokens cost at the prices of the first target it is routed to (the
 * replay assumes the tokens would not change); a refused call costs nothing.
 */
public final class WhatIf {
    private WhatIf() {
    }

    public static SimulationReport simulate(List<RecordedCall> calls, RuleSet before, RuleSet after, CostModel costs) {
        Objects.requireNonNull(calls, "calls");
        Objects.requireNonNull(costs, "costs");
        SideTally beforeTally = new SideTally(before.tiers(), costs);
        SideTally afterTally = new SideTally(after.tiers(), costs);
        Map<String, long[]> byLoop = new LinkedHashMap<>();
        for (RecordedCall call : calls) {
            long beforeCost = beforeTally.add(before.decide(call.facts()), call);
            long afterCost = afterTally.add(after.decide(call.facts()), call);
            long[] loop = byLoop.computeIfAbsent(call.facts().loopId(), id -> new long[2]);
            loop[0] += beforeCost;
            loop[1] += afterCost;
        }
        List<LoopDelta> loops = new ArrayList<>();
        byLoop.forEach((id, cost) -> loops.add(new LoopDelta(id, cost[0], cost[1])));
        loops.sort(Comparator.comparingLong((LoopDelta d) -> Math.abs(d.deltaNanos())).reversed()
                .thenComparing(LoopDelta::loopId));
        return new SimulationReport(beforeTally.side(), afterTally.side(), loops);
    }
}
