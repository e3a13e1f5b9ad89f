package dev.loopgate.gateway.audit.store;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real PostgreSQL on 127.0.0.1:5432 (trust auth, user {@code postgres}; {@code .ci/run}
 * starts it). Creates a database {@code loopgate_test_<random>} and a schema per test in it,
 * and drops the database at the end. When PostgreSQL is not there the tests fail, saying so:
 * they never skip.
 */
final class PostgresTestDatabase implements TestDatabase {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final String AS_POSTGRES = "?user=postgres&connectTimeout=5";

    private final String database = "loopgate_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final AtomicInteger next = new AtomicInteger();

    PostgresTestDatabase() {
        execute(adminUrl(), "CREATE DATABASE " + database);
    }

    @Override
    public String freshUrl() {
        String schema = "t" + next.incrementAndGet();
        execute(SERVER + database + AS_POSTGRES, "CREATE SCHEMA " + schema);
        return SERVER + database + AS_POSTGRES + "&currentSchema=" + schema;
    }

    @Override
    public void close() {
        execute(adminUrl(), "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    private static String adminUrl() {
        return SERVER + "postgres" + AS_POSTGRES;
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            fail("PostgreSQL at 127.0.0.1:5432 (user postgres, trust auth) is needed by the audit store tests"
                    + " and was not usable; start it (.ci/run does): " + sql + " failed: " + e.getMessage(), e);
        }
    }
}
