package dev.loopgate.gateway.audit;

import java.util.List;
import java.util.Map;

/** Spend per group, sorted by cost (highest first, then by group values), and the totals. */
public record SpendReport(SpendQuery query, List<Row> rows, Row totals) {
    public SpendReport {
        rows = List.copyOf(rows);
    }

    /**
     * One group: its values per dimension (null when the calls had none, e.g. no tier) and
     * what its calls used and cost. {@code errors} counts calls whose status was not 2xx.
     */
    public record Row(Map<SpendQuery.Dimension, String> group, long calls, long errors, long promptTokens,
            long completionTokens, long cachedTokens, long costNanos) {
    }
}
