package dev.loopgate.gateway.audit.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * SQLite through xerial's driver: a file in WAL mode (readers never block the writer), a busy
 * timeout instead of instant "database is locked" errors, and {@code BEGIN IMMEDIATE} for
 * writers so a transaction holds the write lock from its start. Migrations need no extra lock:
 * the immediate transaction already excludes every other writer.
 */
final class SqliteDialect implements Dialect {
    static final String PREFIX = "jdbc:sqlite:";
    static final int BUSY_TIMEOUT_MS = 5_000;

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public Connection connect(String jdbcUrl, boolean writer) throws SQLException {
        createParentFolders(jdbcUrl);
        Properties settings = new Properties();
        settings.setProperty("busy_timeout", Integer.toString(BUSY_TIMEOUT_MS));
        settings.setProperty("journal_mode", "WAL");
        settings.setProperty("transaction_mode", writer ? "IMMEDIATE" : "DEFERRED");
        return DriverManager.getConnection(jdbcUrl, settings);
    }

    @Override
    public void lockForMigration(Connection connection) {
        // The writer connection's transaction began IMMEDIATE: it holds the file's write lock.
    }

    @Override
    public void beginSnapshot(Connection connection) throws SQLException {
        // A deferred transaction in WAL mode reads one snapshot from its first SELECT on.
        connection.setAutoCommit(false);
    }

    @Override
    public String utcDay(String millisColumn) {
        return "strftime('%Y-%m-%d', " + millisColumn + " / 1000, 'unixepoch')";
    }

    @Override
    public String utcHour(String millisColumn) {
        return "strftime('%Y-%m-%dT%H', " + millisColumn + " / 1000, 'unixepoch')";
    }

    /** {@code jdbc:sqlite:./data/audit.db} → creates {@code ./data}; in-memory databases need nothing. */
    static void createParentFolders(String jdbcUrl) {
        String location = jdbcUrl.substring(PREFIX.length());
        if (location.startsWith("file:")) {
            location = location.substring("file:".length());
        }
        int query = location.indexOf('?');
        if (query >= 0) {
            location = location.substring(0, query);
        }
        if (location.isEmpty() || location.startsWith(":memory:") || location.startsWith(":resource:")) {
            return;
        }
        Path parent = Path.of(location).toAbsolutePath().getParent();
        if (parent == null) {
            return;
        }
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit store's folder " + parent, e);
        }
    }
}
