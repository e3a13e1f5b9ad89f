package dev.loopgate.gateway.audit.store;

import dev.loopgate.gateway.audit.AuditEntry;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The columns an {@link AuditEntry} is stored in, in one fixed order, and how each value is
 * written and read back. The same order is the row's canonical form for hashing
 * ({@link RowHash}), so a column added here is covered by the hash at once.
 */
final class AuditColumns {

    enum Type {
        TEXT, LONG, INT, BOOL
    }

    /**
     * @param since the schema version that added it: columns added after the first are hashed
     *        only when set, so rows written before them still verify
     */
    record Column(String name, Type type, Function<AuditEntry, Object> value, int since) {
        Column(String name, Type type, Function<AuditEntry, Object> value) {
            this(name, type, value, 1);
        }

        /** Whether a null in this column is part of the row's canonical form. */
        boolean hashesNull() {
            return since == 1;
        }
    }

    /** Every field of {@link AuditEntry}, in record order. */
    static final List<Column> ENTRY = List.of(
            new Column("kind", Type.TEXT, e -> e.kind().name()),
            new Column("at_ms", Type.LONG, AuditEntry::atMillis),
            new Column("request_id", Type.TEXT, AuditEntry::requestId),
            new Column("key_name", Type.TEXT, AuditEntry::keyName),
            new Column("loop_id", Type.TEXT, AuditEntry::loopId),
            new Column("run", Type.TEXT, AuditEntry::run),
            new Column("step", Type.LONG, AuditEntry::step),
            new Column("role", Type.TEXT, AuditEntry::role),
            new Column("requested_model", Type.TEXT, AuditEntry::requestedModel),
            new Column("rule", Type.TEXT, AuditEntry::rule),
            new Column("rules_version", Type.LONG, AuditEntry::rulesVersion),
            new Column("tier", Type.TEXT, AuditEntry::tier),
            new Column("model", Type.TEXT, AuditEntry::model),
            new Column("provider", Type.TEXT, AuditEntry::provider),
            new Column("status", Type.INT, AuditEntry::status),
            new Column("error_code", Type.TEXT, AuditEntry::errorCode),
            new Column("prompt_tokens", Type.LONG, AuditEntry::promptTokens),
            new Column("completion_tokens", Type.LONG, AuditEntry::completionTokens),
            new Column("cached_tokens", Type.LONG, AuditEntry::cachedTokens),
            new Column("cost_nanos", Type.LONG, AuditEntry::costNanos),
            new Column("latency_ms", Type.LONG, AuditEntry::latencyMs),
            new Column("first_byte_ms", Type.LONG, AuditEntry::firstByteMs),
            new Column("stream", Type.BOOL, AuditEntry::stream),
            new Column("stream_end", Type.TEXT, AuditEntry::streamEnd),
            new Column("idempotency_key", Type.TEXT, AuditEntry::idempotencyKey),
            new Column("request_hash", Type.TEXT, AuditEntry::requestHash),
            new Column("action", Type.TEXT, AuditEntry::action),
            new Column("actor", Type.TEXT, AuditEntry::actor),
            new Column("detail", Type.TEXT, AuditEntry::detail),
            new Column("content", Type.TEXT, AuditEntry::content),
            new Column("dialect", Type.TEXT, AuditEntry::dialect, 2));

    /** {@code kind, at_ms, …, content}: for SELECT and INSERT column lists. */
    static final String NAMES = ENTRY.stream().map(Column::name).collect(Collectors.joining(", "));

    private AuditColumns() {
    }

    /**
     * The entry's values in column order, as they will read back from any database: text
     * without NUL characters (PostgreSQL refuses them) and without unpaired surrogates (they
     * do not survive UTF-8), so the hash computed now matches the one verify recomputes.
     */
    static List<Object> values(AuditEntry entry) {
        List<Object> values = new ArrayList<>(ENTRY.size());
        for (Column column : ENTRY) {
            Object value = column.value().apply(entry);
            values.add(value instanceof String text ? storable(text) : value);
        }
        return Collections.unmodifiableList(values);
    }

    /** Binds {@code values} (from {@link #values}) to parameters {@code first}, {@code first + 1}, … */
    static void bind(PreparedStatement statement, int first, List<Object> values) throws SQLException {
        for (int i = 0; i < ENTRY.size(); i++) {
            int index = first + i;
            Object value = values.get(i);
            switch (ENTRY.get(i).type()) {
                case TEXT -> statement.setString(index, (String) value);
                case LONG -> {
                    if (value == null) {
                        statement.setNull(index, Types.BIGINT);
                    } else {
                        statement.setLong(index, (Long) value);
                    }
                }
                case INT -> statement.setInt(index, (Integer) value);
                case BOOL -> statement.setBoolean(index, (Boolean) value);
                default -> throw new AssertionError(ENTRY.get(i).type());
            }
        }
    }

    /** Reads the entry columns, selected in {@link #NAMES} order from column {@code first} on. */
    static List<Object> read(ResultSet row, int first) throws SQLException {
        List<Object> values = new ArrayList<>(ENTRY.size());
        for (int i = 0; i < ENTRY.size(); i++) {
            int index = first + i;
            Object value = switch (ENTRY.get(i).type()) {
                case TEXT -> row.getString(index);
                case LONG -> row.getLong(index);
                case INT -> row.getInt(index);
                case BOOL -> row.getBoolean(index);
            };
            values.add(row.wasNull() ? null : value);
        }
        return values;
    }

    static String storable(String text) {
        String clean = text.indexOf('\0') >= 0 ? text.replace('\0', '\uFFFD') : text;
        for (int i = 0; i < clean.length(); i++) {
            if (Character.isSurrogate(clean.charAt(i))) {
                return new String(clean.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            }
        }
        return clean;
    }
}
