package dev.loopgate.gateway.audit.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the SQL databases the audit store runs on: how to connect, how to
 * serialize schema migrations between processes, how to read a consistent snapshot, and how
 * to bucket epoch millis into UTC days and hours. Everything else is the same SQL.
 */
sealed interface Dialect permits SqliteDialect, PostgresDialect {

    /** The folder under {@code dev/loopgate/gateway/audit/store/} that holds this dialect's migrations. */
    String name();

    /**
     * Opens a connection with this dialect's settings. A {@code writer} connection takes the
     * database's write lock when a transaction begins, so its transactions never fail half way
     * for lack of it.
     */
    Connection connect(String jdbcUrl, boolean writer) throws SQLException;

    /** Inside an open transaction: waits until no other process is migrating this database. */
    void lockForMigration(Connection connection) throws SQLException;

    /** Starts a read-only transaction in which every query sees the same committed state. */
    void beginSnapshot(Connection connection) throws SQLException;

    /** A SQL expression giving the UTC day ({@code yyyy-MM-dd}) of an epoch-millis column. */
    String utcDay(String millisColumn);

    /** A SQL expression giving the UTC hour ({@code yyyy-MM-dd'T'HH}) of an epoch-millis column. */
    String utcHour(String millisColumn);

    static Dialect forUrl(String jdbcUrl) {
        if (jdbcUrl.startsWith(SqliteDialect.PREFIX)) {
            return new SqliteDialect();
        }
        if (jdbcUrl.startsWith(PostgresDialect.PREFIX)) {
            return new PostgresDialect();
        }
        throw new IllegalArgumentException("audit store URL must start with " + SqliteDialect.PREFIX + " or "
                + PostgresDialect.PREFIX + ", got " + jdbcUrl.split("[?;]", 2)[0]);
    }
}
