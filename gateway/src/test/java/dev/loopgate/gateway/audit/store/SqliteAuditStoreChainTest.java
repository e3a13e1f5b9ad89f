package dev.loopgate.gateway.audit.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class SqliteAuditStoreChainTest extends AuditStoreChainContract {
    @Override
    TestDatabase newDatabase() {
        return new SqliteTestDatabase();
    }

    @Test
    void sqliteFileIsCreatedInMissingFoldersAndUsesWal() throws Exception {
        Path file = Path.of(url.substring("jdbc:sqlite:".length()));
        assertTrue(Files.notExists(file.getParent()));
        open("a");
        assertTrue(Files.exists(file));
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement();
                ResultSet mode = statement.executeQuery("PRAGMA journal_mode")) {
            mode.next();
            assertEquals("wal", mode.getString(1));
        }
    }

    @Test
    void urlsOfOtherDatabasesAreRefused() {
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> AuditStores.open("jdbc:mysql://db/audit", "a"));
        assertTrue(refused.getMessage().contains("jdbc:sqlite:"), refused.getMessage());
    }
}
