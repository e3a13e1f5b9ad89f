package dev.loopgate.gateway.audit.store;

import dev.loopgate.gateway.audit.RecordedTraffic;
import dev.loopgate.rules.CallFacts;
import dev.loopgate.rules.RecordedCall;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Served calls (2xx) of a window as the what-if replay reads them: the facts an audit row
 * keeps (loop, run, role, step, requested model, stream, UTC hour) and the tokens the provider
 * counted. What the audit does not keep (tools, images, JSON mode, headers, metadata,
 * {@code max_tokens}, {@code budget_used}, {@code repeat_count}) takes the replay's neutral values.
 * The newest calls are read first, so a limit keeps the most recent traffic.
 */
final class RecordedCallsQuery {
    private static final long HOUR_MILLIS = 3_600_000L;
    private static final String SQL = "SELECT at_ms, loop_id, run, step, role, requested_model, prompt_tokens,"
            + " completion_tokens, stream FROM audit_log WHERE kind = 'CALL' AND at_ms >= ? AND at_ms < ?"
            + " AND status >= 200 AND status < 300 AND loop_id IS NOT NULL AND requested_model IS NOT NULL"
            + " ORDER BY at_ms DESC, id DESC LIMIT ?";

    private RecordedCallsQuery() {
    }

    static RecordedTraffic read(Connection connection, long fromMillis, long toMillis, int limit) throws SQLException {
        if (toMillis <= fromMillis) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        List<RecordedCall> calls = new ArrayList<>();
        boolean truncated = false;
        try (PreparedStatement statement = connection.prepareStatement(SQL)) {
            statement.setLong(1, fromMillis);
            statement.setLong(2, toMillis);
            statement.setInt(3, limit + 1);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (calls.size() == limit) {
                        truncated = true;
                        break;
                    }
                    calls.add(call(rows));
                }
            }
        }
        return new RecordedTraffic(calls, truncated);
    }

    private static RecordedCall call(ResultSet row) throws SQLException {
        long prompt = row.getLong(7);
        CallFacts.Builder facts = CallFacts.builder(row.getString(2), row.getString(6))
                .run(row.getString(3))
                .role(row.getString(5))
                .promptTokens(prompt)
                .stream(row.getBoolean(9))
                .utcHour((int) Math.floorMod(Math.floorDiv(row.getLong(1), HOUR_MILLIS), 24L));
        long step = row.getLong(4);
        if (!row.wasNull()) {
            facts.step(step);
        }
        return new RecordedCall(facts.build(), prompt, row.getLong(8));
    }
}
