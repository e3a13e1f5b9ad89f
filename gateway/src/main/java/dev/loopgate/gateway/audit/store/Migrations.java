package dev.loopgate.gateway.audit.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned schema migrations: {@code V<n>__<name>.sql} per dialect, applied in order inside
 * one transaction and recorded in {@code schema_version}. Applying them again does nothing;
 * two processes that start at once serialize on the dialect's migration lock, so the second
 * finds the work done.
 */
final class Migrations {
    private static final String FOLDER = "/dev/loopgate/gateway/audit/store/";

    /** Every migration, oldest first. Never edit a released one: add the next version. */
    static final List<Script> SCRIPTS = List.of(new Script(1, "audit"), new Script(2, "dialect"));

    record Script(int version, String name) {
        String file() {
            return "V" + version + "__" + name + ".sql";
        }
    }

    private Migrations() {
    }

    /** Brings the schema up to date; returns the versions it applied (empty when it was current). */
    static List<Integer> apply(Connection connection, Dialect dialect, Clock clock) throws SQLException {
        return Transactions.inTransaction(connection, c -> {
            dialect.lockForMigration(c);
            try (Statement statement = c.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INTEGER PRIMARY KEY, name VARCHAR(200) NOT NULL, applied_ms BIGINT NOT NULL)");
            }
            int current = currentVersion(c);
            List<Integer> applied = new ArrayList<>();
            for (Script script : SCRIPTS) {
                if (script.version() > current) {
                    run(c, dialect, script);
                    record(c, script, clock.millis());
                    applied.add(script.version());
                }
            }
            return applied;
        });
    }

    private static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private static void run(Connection connection, Dialect dialect, Script script) throws SQLException {
        String path = FOLDER + dialect.name() + "/" + script.file();
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(read(path))) {
                statement.execute(sql);
            }
        }
    }

    private static void record(Connection connection, Script script, long nowMillis) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO schema_version (version, name, applied_ms) VALUES (?, ?, ?)")) {
            insert.setInt(1, script.version());
            insert.setString(2, script.name());
            insert.setLong(3, nowMillis);
            insert.executeUpdate();
        }
    }

    /** Splits a script on {@code ;} at the end of a line, dropping {@code --} comment lines. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String sql = current.toString().strip();
                statements.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static String read(String path) {
        try (InputStream in = Migrations.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read migration " + path, e);
        }
    }
}
