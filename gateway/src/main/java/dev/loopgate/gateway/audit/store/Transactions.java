package dev.loopgate.gateway.audit.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs work in one transaction on a connection that otherwise stays in auto-commit: commit
 * when the work returns, roll back when it throws. Auto-commit is restored either way, which
 * on SQLite also releases the write lock a writer's transaction holds.
 */
final class Transactions {

    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private Transactions() {
    }

    static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        boolean committed = false;
        try {
            T result = work.run(connection);
            connection.commit();
            committed = true;
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            restoreAutoCommit(connection, committed);
        }
    }

    private static void restoreAutoCommit(Connection connection, boolean mustSucceed) throws SQLException {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            if (mustSucceed) {
                throw e;
            }
            // Already failing: the original error is the one to report.
        }
    }
}
