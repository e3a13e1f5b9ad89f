package dev.loopgate.gateway.audit;

import java.util.List;

/** A spend report's window ({@code [from, to)}, epoch millis UTC) and what to group by, in order. */
public record SpendQuery(long fromMillis, long toMillis, List<Dimension> groupBy) {
    public SpendQuery {
        groupBy = List.copyOf(groupBy);
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
    }

    /** What spend can be grouped by; {@code DAY} and {@code HOUR} are UTC. */
    public enum Dimension {
        LOOP, RUN, TIER, MODEL, PROVIDER, ROLE, RULE, KEY, DAY, HOUR
    }
}
