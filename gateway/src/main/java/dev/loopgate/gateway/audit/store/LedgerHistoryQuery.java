package dev.loopgate.gateway.audit.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LedgerSnapshot;
import dev.loopgate.budgets.ledger.LoopHistory;
import dev.loopgate.budgets.ledger.LoopHistory.Spend;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.gateway.wire.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ledger's history as the audit rows tell it, to write back a ledger Redis lost: per loop
 * what it was charged over its life, today and this month (UTC), its steps (the calls a
 * provider answered) and first call; the pause or resume it was last left in and the last
 * budget override an admin set; and what each key was charged today. It counts the rows the
 * store holds: rows purged by retention no longer count in a loop's life total.
 */
final class LedgerHistoryQuery {
    private static final String TOKENS = "prompt_tokens + completion_tokens";
    private static final String LOOPS = "SELECT loop_id, COALESCE(SUM(cost_nanos), 0), COALESCE(SUM(" + TOKENS + "), 0),"
            + " COALESCE(SUM(CASE WHEN at_ms >= ? THEN cost_nanos ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN at_ms >= ? THEN " + TOKENS + " ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN at_ms >= ? THEN cost_nanos ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN at_ms >= ? THEN " + TOKENS + " ELSE 0 END), 0),"
            + " COALESCE(SUM(CASE WHEN provider IS NOT NULL THEN 1 ELSE 0 END), 0),"
            + " MIN(CASE WHEN provider IS NOT NULL THEN at_ms - latency_ms END)"
            + " FROM audit_log WHERE kind = 'CALL' AND loop_id IS NOT NULL GROUP BY loop_id";
    private static final String ACTIONS = "SELECT loop_id, action, at_ms, detail FROM audit_log WHERE kind = 'ADMIN'"
            + " AND loop_id IS NOT NULL AND action IN ('loop.trip', 'loop.pause', 'loop.resume', 'loop.budget')"
            + " ORDER BY at_ms, id";
    private static final String KEYS = "SELECT key_name, SUM(cost_nanos) FROM audit_log WHERE kind = 'CALL'"
            + " AND at_ms >= ? AND key_name IS NOT NULL GROUP BY key_name HAVING SUM(cost_nanos) > 0";

    /** The last pause or resume of a loop, and its last override; each null until seen. */
    private static final class Admin {
        Trip pausedBy;
        BudgetLimits override;
    }

    private LedgerHistoryQuery() {
    }

    static LedgerSnapshot read(Connection connection, Dialect dialect, long nowMillis) throws SQLException {
        LocalDate today = Instant.ofEpochMilli(nowMillis).atZone(ZoneOffset.UTC).toLocalDate();
        long dayStart = today.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long monthStart = today.withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        dialect.beginSnapshot(connection);
        try {
            Map<String, Admin> admin = admin(connection);
            List<LoopHistory> loops = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(LOOPS)) {
                statement.setLong(1, dayStart);
                statement.setLong(2, dayStart);
                statement.setLong(3, monthStart);
                statement.setLong(4, monthStart);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        String loopId = rows.getString(1);
                        Admin last = admin.getOrDefault(loopId, new Admin());
                        long first = rows.getLong(9);
                        boolean hasFirst = !rows.wasNull();
                        add(loops, () -> new LoopHistory(loopId, spend(rows, 2), spend(rows, 4), spend(rows, 6),
                                rows.getLong(8), hasFirst ? Math.max(0, first) : 0, last.pausedBy, last.override));
                        admin.remove(loopId);
                    }
                }
            }
            for (Map.Entry<String, Admin> only : admin.entrySet()) {
                add(loops, () -> new LoopHistory(only.getKey(), Spend.NONE, Spend.NONE, Spend.NONE, 0, 0,
                        only.getValue().pausedBy, only.getValue().override));
            }
            return new LedgerSnapshot(loops, keys(connection, dayStart));
        } finally {
            connection.rollback();
        }
    }

    private interface Row<T> {
        T read() throws SQLException;
    }

    /** Adds the loop unless its row cannot be one: an id the ledger refuses was never charged there. */
    private static void add(List<LoopHistory> loops, Row<LoopHistory> row) throws SQLException {
        try {
            loops.add(row.read());
        } catch (IllegalArgumentException notALedgerLoop) {
            // skipped: the ledger never held it
        }
    }

    private static Map<String, Admin> admin(Connection connection) throws SQLException {
        Map<String, Admin> admin = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(ACTIONS);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                String loopId = rows.getString(1);
                String action = rows.getString(2);
                JsonNode detail = detail(rows.getString(4));
                Admin last = admin.computeIfAbsent(loopId, id -> new Admin());
                switch (action) {
                    case "loop.trip", "loop.pause" -> last.pausedBy = new Trip(loopId,
                            breaker(detail.path("breaker").asText("")), detail.path("reason").asText(""),
                            rows.getLong(3));
                    case "loop.resume" -> last.pausedBy = null;
                    default -> last.override = override(detail);
                }
            }
        }
        return admin;
    }

    private static Map<String, Long> keys(Connection connection, long dayStart) throws SQLException {
        Map<String, Long> keys = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(KEYS)) {
            statement.setLong(1, dayStart);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    keys.put(rows.getString(1), bounded(rows.getLong(2)));
                }
            }
        }
        return keys;
    }

    /** An override as {@code loop.budget} wrote it ({@code LoopStatusJson.limits}), or null when it dropped one. */
    private static BudgetLimits override(JsonNode detail) {
        if (!detail.hasNonNull("period")) {
            return null;
        }
        return new BudgetLimits(
                detail.has("usd") ? Money.nanosOf(new BigDecimal(detail.get("usd").asText())) : BudgetLimits.UNLIMITED,
                detail.path("tokens").asLong(BudgetLimits.UNLIMITED),
                detail.path("steps").asLong(BudgetLimits.UNLIMITED),
                detail.has("wall_clock") ? Duration.parse(detail.get("wall_clock").asText()).toMillis()
                        : BudgetLimits.UNLIMITED,
                Period.valueOf(detail.get("period").asText().toUpperCase(Locale.ROOT)));
    }

    private static Breaker breaker(String name) {
        try {
            return Breaker.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return Breaker.MANUAL;
        }
    }

    private static JsonNode detail(String text) {
        try {
            return text == null ? Json.MAPPER.missingNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.MAPPER.missingNode();
        }
    }

    private static Spend spend(ResultSet rows, int column) throws SQLException {
        return new Spend(bounded(rows.getLong(column)), bounded(rows.getLong(column + 1)));
    }

    /** Sums past what the ledger can count exactly are held at its maximum, which no budget passes. */
    private static long bounded(long amount) {
        return Math.max(0, Math.min(amount, BudgetLimits.MAX_AMOUNT));
    }
}
