package dev.loopgate.gateway.audit.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * PostgreSQL through pgjdbc: batched inserts rewritten into multi-row statements, bounded
 * connect and socket timeouts (a stalled database fails the append, so the writer spools,
 * instead of hanging it), a transaction-scoped advisory lock so replicas that start at once
 * migrate one after the other, and repeatable-read snapshots for verify and reports. Settings
 * given in the URL win over these defaults.
 */
final class PostgresDialect implements Dialect {
    static final String PREFIX = "jdbc:postgresql:";
    /** "Loopgate" in ASCII: the advisory lock every replica takes to migrate the audit schema. */
    static final long MIGRATION_LOCK = 0x4c6f6f7067617465L;

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public Connection connect(String jdbcUrl, boolean writer) throws SQLException {
        Properties settings = new Properties();
        settings.setProperty("reWriteBatchedInserts", "true");
        settings.setProperty("connectTimeout", "10");
        settings.setProperty("socketTimeout", "120");
        settings.setProperty("ApplicationName", writer ? "loopgate-audit-writer" : "loopgate-audit");
        return DriverManager.getConnection(jdbcUrl, settings);
    }

    @Override
    public void lockForMigration(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
        }
    }

    @Override
    public void beginSnapshot(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
    }

    @Override
    public String utcDay(String millisColumn) {
        return "to_char(to_timestamp(" + millisColumn + " / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
    }

    @Override
    public String utcHour(String millisColumn) {
        return "to_char(to_timestamp(" + millisColumn + " / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24')";
    }
}
