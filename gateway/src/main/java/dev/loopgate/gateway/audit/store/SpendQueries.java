package dev.loopgate.gateway.audit.store;

import dev.loopgate.gateway.audit.LoopReport;
import dev.loopgate.gateway.audit.SpendQuery;
import dev.loopgate.gateway.audit.SpendQuery.Dimension;
import dev.loopgate.gateway.audit.SpendReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The finance queries: spend over call rows grouped by any dimensions, and one loop's report.
 * Dimensions map to fixed column expressions and every value is a bound parameter, so no
 * caller text ever reaches the SQL. Sorting happens here rather than in SQL, so both
 * databases order nulls and text the same way.
 */
final class SpendQueries {
    private static final int TOP_RULES = 10;
    private static final String MEASURES = "COUNT(*), "
            + "COALESCE(SUM(CASE WHEN status >= 200 AND status < 300 THEN 0 ELSE 1 END), 0), "
            + "COALESCE(SUM(prompt_tokens), 0), COALESCE(SUM(completion_tokens), 0), "
            + "COALESCE(SUM(cached_tokens), 0), COALESCE(SUM(cost_nanos), 0)";

    private final Dialect dialect;
    private final Map<Dimension, String> expressions = new EnumMap<>(Dimension.class);

    SpendQueries(Dialect dialect) {
        this.dialect = dialect;
        expressions.put(Dimension.LOOP, "loop_id");
        expressions.put(Dimension.RUN, "run");
        expressions.put(Dimension.TIER, "tier");
        expressions.put(Dimension.MODEL, "model");
        expressions.put(Dimension.PROVIDER, "provider");
        expressions.put(Dimension.ROLE, "role");
        expressions.put(Dimension.RULE, "rule");
        expressions.put(Dimension.KEY, "key_name");
        expressions.put(Dimension.DAY, dialect.utcDay("at_ms"));
        expressions.put(Dimension.HOUR, dialect.utcHour("at_ms"));
    }

    SpendReport spend(Connection connection, SpendQuery query) throws SQLException {
        List<Dimension> dimensions = List.copyOf(new LinkedHashSet<>(query.groupBy()));
        List<SpendReport.Row> rows = grouped(connection, dimensions, query.fromMillis(), query.toMillis(),
                query.loopId());
        rows.sort(byCostThenGroup(dimensions));
        return new SpendReport(query, rows, totals(rows, Map.of()));
    }

    LoopReport loop(Connection connection, String loopId, long fromMillis, long toMillis) throws SQLException {
        Objects.requireNonNull(loopId, "loopId");
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
        dialect.beginSnapshot(connection);
        try {
            List<Dimension> tier = List.of(Dimension.TIER);
            List<Dimension> run = List.of(Dimension.RUN);
            List<SpendReport.Row> runs = grouped(connection, run, fromMillis, toMillis, loopId);
            runs.sort(byCostThenGroup(run));
            List<Dimension> day = List.of(Dimension.DAY);
            List<Dimension> rule = List.of(Dimension.RULE);
            List<SpendReport.Row> tiers = grouped(connection, tier, fromMillis, toMillis, loopId);
            tiers.sort(byCostThenGroup(tier));
            List<SpendReport.Row> days = grouped(connection, day, fromMillis, toMillis, loopId);
            days.sort(byGroup(day));
            List<SpendReport.Row> rules = grouped(connection, rule, fromMillis, toMillis, loopId);
            rules.removeIf(row -> row.group().get(Dimension.RULE) == null);
            rules.sort(Comparator.comparingLong(SpendReport.Row::calls).reversed()
                    .thenComparing(byCostThenGroup(rule)));
            SpendReport.Row totals = totals(tiers, Map.of(Dimension.LOOP, loopId));
            return new LoopReport(loopId, totals, tiers, runs, days, rules.subList(0, Math.min(TOP_RULES, rules.size())),
                    events(connection, loopId, fromMillis, toMillis));
        } finally {
            connection.rollback();
        }
    }

    private List<SpendReport.Row> grouped(Connection connection, List<Dimension> dimensions, long fromMillis,
            long toMillis, String loopId) throws SQLException {
        List<String> columns = dimensions.stream().map(expressions::get).toList();
        StringBuilder sql = new StringBuilder("SELECT ");
        for (String column : columns) {
            sql.append(column).append(", ");
        }
        sql.append(MEASURES).append(" FROM audit_log WHERE kind = 'CALL' AND at_ms >= ? AND at_ms < ?");
        if (loopId != null) {
            sql.append(" AND loop_id = ?");
        }
        if (!columns.isEmpty()) {
            sql.append(" GROUP BY ").append(String.join(", ", columns));
        }
        List<SpendReport.Row> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            statement.setLong(1, fromMillis);
            statement.setLong(2, toMillis);
            if (loopId != null) {
                statement.setString(3, loopId);
            }
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    SpendReport.Row row = row(result, dimensions);
                    if (row.calls() > 0) {
                        rows.add(row);
                    }
                }
            }
        }
        return rows;
    }

    private static SpendReport.Row row(ResultSet result, List<Dimension> dimensions) throws SQLException {
        Map<Dimension, String> group = new LinkedHashMap<>();
        for (int i = 0; i < dimensions.size(); i++) {
            group.put(dimensions.get(i), result.getString(i + 1));
        }
        int m = dimensions.size() + 1;
        return new SpendReport.Row(Collections.unmodifiableMap(group), result.getLong(m), result.getLong(m + 1),
                result.getLong(m + 2), result.getLong(m + 3), result.getLong(m + 4), result.getLong(m + 5));
    }

    private static SpendReport.Row totals(List<SpendReport.Row> rows, Map<Dimension, String> group) {
        long calls = 0, errors = 0, prompt = 0, completion = 0, cached = 0, cost = 0;
        for (SpendReport.Row row : rows) {
            calls += row.calls();
            errors += row.errors();
            prompt += row.promptTokens();
            completion += row.completionTokens();
            cached += row.cachedTokens();
            cost += row.costNanos();
        }
        return new SpendReport.Row(group, calls, errors, prompt, completion, cached, cost);
    }

    private List<LoopReport.Event> events(Connection connection, String loopId, long fromMillis, long toMillis)
            throws SQLException {
        List<LoopReport.Event> events = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT at_ms, action, actor, detail FROM audit_log WHERE kind = 'ADMIN' AND loop_id = ?"
                        + " AND (action LIKE 'loop.%' OR action LIKE 'run.%' OR action LIKE 'approval.%')"
                        + " AND at_ms >= ? AND at_ms < ? ORDER BY at_ms DESC, id DESC")) {
            statement.setString(1, loopId);
            statement.setLong(2, fromMillis);
            statement.setLong(3, toMillis);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    events.add(new LoopReport.Event(result.getLong(1), result.getString(2), result.getString(3),
                            result.getString(4)));
                }
            }
        }
        return events;
    }

    /** Highest cost first, then by group values in order (text order, nulls last). */
    private static Comparator<SpendReport.Row> byCostThenGroup(List<Dimension> dimensions) {
        return Comparator.comparingLong(SpendReport.Row::costNanos).reversed().thenComparing(byGroup(dimensions));
    }

    private static Comparator<SpendReport.Row> byGroup(List<Dimension> dimensions) {
        Comparator<SpendReport.Row> order = (a, b) -> 0;
        for (Dimension dimension : dimensions) {
            order = order.thenComparing(row -> row.group().get(dimension),
                    Comparator.nullsLast(Comparator.naturalOrder()));
        }
        return order;
    }
}
