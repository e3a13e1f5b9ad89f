package dev.loopgate.gateway.audit.store;

import dev.loopgate.gateway.audit.AuditStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;

/**
 * Opens the audit store a JDBC URL names: {@code jdbc:sqlite:<file>} (the embedded default;
 * missing folders are created) or {@code jdbc:postgresql://…}. Opening brings the schema up to
 * date and reads where this instance's chain ends.
 */
public final class AuditStores {

    private AuditStores() {
    }

    /**
     * @param chainId this gateway instance's chain: rows it appends are linked to one another.
     *                Two live instances must never share one.
     */
    public static AuditStore open(String jdbcUrl, String chainId) {
        return open(jdbcUrl, chainId, Clock.systemUTC());
    }

    public static AuditStore open(String jdbcUrl, String chainId, Clock clock) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(clock, "clock");
        if (chainId == null || chainId.isBlank()) {
            throw new IllegalArgumentException("an audit chain id must not be blank");
        }
        Dialect dialect = Dialect.forUrl(jdbcUrl);
        Connection writer = null;
        try {
            writer = dialect.connect(jdbcUrl, true);
            Migrations.apply(writer, dialect, clock);
            return new JdbcAuditStore(jdbcUrl, chainId, dialect, clock, writer);
        } catch (SQLException e) {
            closeQuietly(writer, e);
            throw new AuditStoreException("could not open the audit store at " + redacted(jdbcUrl), e);
        }
    }

    /** The URL without its query, where a password may sit. */
    static String redacted(String jdbcUrl) {
        return jdbcUrl.split("[?;]", 2)[0];
    }

    private static void closeQuietly(Connection connection, SQLException failure) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                failure.addSuppressed(e);
            }
        }
    }
}
