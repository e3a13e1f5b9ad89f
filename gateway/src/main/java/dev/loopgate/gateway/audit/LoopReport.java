package dev.loopgate.gateway.audit;

import java.util.List;

/**
 * One loop over a window: totals, spend per tier, per run (dearest first; calls that named no
 * run under a null run), per UTC day, the rules that routed most of its calls, and its admin
 * history (breaker trips, pauses, resumes, warnings with their reasons), newest first.
 */
public record LoopReport(String loopId, SpendReport.Row totals, List<SpendReport.Row> tiers,
        List<SpendReport.Row> runs, List<SpendReport.Row> days, List<SpendReport.Row> topRules, List<Event> events) {

    /** An admin row about the loop: {@code action} like {@code loop.trip}, {@code loop.resume}. */
    public record Event(long atMillis, String action, String actor, String detail) {
    }
}
