package dev.loopgate.budgets.runs;

/**
 * After a run's hold is settled.
 *
 * @param spentNanos  the run's spend since its (re)start, after this settle
 * @param tokens      its tokens since its (re)start, after this settle
 * @param trip        the cap this settle reached (the run is now paused), or null
 */
public record RunSettled(long spentNanos, long tokens, RunTrip trip) {
}
