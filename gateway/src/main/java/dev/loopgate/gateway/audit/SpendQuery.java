package dev.loopgate.gateway.audit;

import java.util.List;

/**
 * A spend report's window ({@code [from, to)}, epoch millis UTC), what to group by, in order,
 * and optionally the one loop whose calls count (null: every loop).
 */
public record SpendQuery(long fromMillis, long toMillis, List<Dimension> groupBy, String loopId) {
    public SpendQuery {
        groupBy = List.copyOf(groupBy);
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
    }

    /** Every loop's calls. */
    public SpendQuery(long fromMillis, long toMillis, List<Dimension> groupBy) {
        this(fromMillis, toMillis, groupBy, null);
    }

    /** What spend can be grouped by; {@code DAY} and {@code HOUR} are UTC. */
    public enum Dimension {
        LOOP, RUN, TIER, MODEL, PROVIDER, ROLE, RULE, KEY, DAY, HOUR
    }
}
