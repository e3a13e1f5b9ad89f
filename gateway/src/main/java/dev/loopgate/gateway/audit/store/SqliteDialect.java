package dev.loopgate.gateway.audit.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite through xerial's driver: a file in WAL mode (readers never block the writer), a busy
 * timeout instead of instant "database is locked" errors, and {@code BEGIN IMMEDIATE} for
 * writers so a transaction holds the write lock from its start. Migrations need no extra lock:
 * the immediate transaction already excludes every other writer.
 */
final class SqliteDialect implements Dialect {
    static final String PREFIX = "jdbc:sqlite:";
    static final int BUSY_TIMEOUT_MS = 5_000;
    /** How long to wait before opening again when another process holds the file while opening it. */
    private static final long OPEN_RETRY_MS = 20;

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
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_TIMEOUT_MS);
        while (true) {
            try {
                return DriverManager.getConnection(jdbcUrl, settings);
            } catch (SQLiteException e) {
                // Switching a new file to WAL needs it to itself; SQLite answers BUSY at once, without
                // its busy handler, while another process opening it at the same moment holds it.
                if (e.getResultCode() != SQLiteErrorCode.SQLITE_BUSY || System.nanoTime() > deadline) {
                    throw e;
                }
                sleepBriefly();
            }
        }
    }

    private static void sleepBriefly() throws SQLException {
        try {
            Thread.sleep(OPEN_RETRY_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for the audit database to open", e);
        }
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
