package dev.loopgate.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The what-if replay's result: recorded traffic decided by the current rules ({@code before}) and
 * by candidate rules ({@code after}), and how each loop's cost moves.
 *
 * @param loops every loop in the traffic, the largest change first (then by loop id)
 */
public record SimulationReport(Side before, Side after, List<LoopDelta> loops) {
    public SimulationReport {
        loops = List.copyOf(loops);
    }

    /** How much the whole traffic costs under the candidate rules minus the current ones, in nano-dollars. */
    public long deltaNanos() {
        return after.costNanos() - before.costNanos();
    }

    /**
     * The traffic as one rule set decides it.
     *
     * @param calls     every call replayed
     * @param rejected  the calls the rules refused (they cost nothing and appear in no tier)
     * @param costNanos the cost of the routed calls at their first target's prices
     * @param tiers     per destination: every configured tier in configured order (also with 0
     *                  calls), then {@code model:<id>} for calls routed to a concrete model, sorted
     */
    public record Side(long calls, long rejected, long costNanos, Map<String, TierTotals> tiers) {
        public Side {
            tiers = Collections.unmodifiableMap(new LinkedHashMap<>(tiers));
        }
    }

    /** The calls one destination served and what they cost, in nano-dollars. */
    public record TierTotals(long calls, long costNanos) {
    }

    /** One loop's cost under the current rules and under the candidate rules, in nano-dollars. */
    public record LoopDelta(String loopId, long beforeNanos, long afterNanos) {
        public long deltaNanos() {
            return afterNanos - beforeNanos;
        }
    }
}
