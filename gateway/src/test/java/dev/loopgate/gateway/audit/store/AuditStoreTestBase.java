package dev.loopgate.gateway.audit.store;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/** An empty database per test, stores closed after it, and direct SQL to look at or tamper with rows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditStoreTestBase {
    private TestDatabase database;
    private final List<AuditStore> opened = new ArrayList<>();
    String url;

    abstract TestDatabase newDatabase();

    @BeforeAll
    void startDatabase() {
        database = newDatabase();
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) {
            database.close();
        }
    }

    @BeforeEach
    void freshDatabase() {
        url = database.freshUrl();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(AuditStore::close);
        opened.clear();
    }

    AuditStore open(String chainId) {
        AuditStore store = AuditStores.open(url, chainId);
        opened.add(store);
        return store;
    }

    static List<AuditEntry> calls(int n, long firstAt, long stepMillis) {
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            entries.add(Calls.call(firstAt + i * stepMillis).id("req-" + i).cost(1_000 + i).build());
        }
        return entries;
    }

    int execute(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement statement = prepare(connection, sql, params)) {
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    long queryLong(String sql, Object... params) {
        List<Long> values = queryLongs(sql, params);
        if (values.size() != 1) {
            throw new IllegalStateException(sql + " gave " + values);
        }
        return values.get(0);
    }

    List<Long> queryLongs(String sql, Object... params) {
        return query(sql, params).stream().map(row -> ((Number) row.get(0)).longValue()).toList();
    }

    /** Rows as lists of values (JDBC {@code getObject}). */
    List<List<Object>> query(String sql, Object... params) {
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement statement = prepare(connection, sql, params);
                ResultSet rows = statement.executeQuery()) {
            List<List<Object>> result = new ArrayList<>();
            int columns = rows.getMetaData().getColumnCount();
            while (rows.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rows.getObject(i));
                }
                result.add(row);
            }
            return result;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    long idOf(String chainId, long seq) {
        return queryLong("SELECT id FROM audit_log WHERE chain_id = ? AND seq = ?", chainId, seq);
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... params)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            statement.setObject(i + 1, params[i]);
        }
        return statement;
    }
}
