package dev.loopgate.gateway.audit.store;

import dev.loopgate.budgets.ledger.LedgerSnapshot;
import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.LoopReport;
import dev.loopgate.gateway.audit.RecordedTraffic;
import dev.loopgate.gateway.audit.SpendQuery;
import dev.loopgate.gateway.audit.SpendReport;
import dev.loopgate.gateway.audit.VerifyReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The audit store on a JDBC database. One writer connection appends this instance's chain
 * and purges; it is opened again after a failure, so the store recovers when the database
 * returns. Verify, counts and reports each use a short-lived connection of their own, so they
 * never wait behind a batch. The chain head is read once at open and then kept here: this
 * store is the only appender of its chain id. After a failed append it is read again, so a
 * batch whose commit went through unseen is not stored twice when the writer retries it.
 */
final class JdbcAuditStore implements AuditStore {
    private static final String INSERT = "INSERT INTO audit_log (chain_id, seq, " + AuditColumns.NAMES
            + ", prev_hash, hash) VALUES (?, ?" + ", ?".repeat(AuditColumns.ENTRY.size()) + ", ?, ?)";

    private final String jdbcUrl;
    private final String chainId;
    private final Dialect dialect;
    private final Clock clock;
    private final SpendQueries reports;
    private final Object writeLock = new Object();
    private Connection writer;
    private ChainHead head;
    /** An append failed: the stored head may be ahead of {@link #head}. */
    private boolean headInDoubt;
    private volatile boolean closed;

    JdbcAuditStore(String jdbcUrl, String chainId, Dialect dialect, Clock clock, Connection writer)
            throws SQLException {
        this.jdbcUrl = jdbcUrl;
        this.chainId = chainId;
        this.dialect = dialect;
        this.clock = clock;
        this.reports = new SpendQueries(dialect);
        this.writer = writer;
        this.head = readHead(writer, chainId);
    }

    /** This chain's last link as stored: its newest row, else its latest checkpoint, else the genesis. */
    static ChainHead readHead(Connection connection, String chainId) throws SQLException {
        String[] queries = {
            "SELECT seq, hash FROM audit_log WHERE chain_id = ? ORDER BY seq DESC LIMIT 1",
            "SELECT seq, hash FROM audit_checkpoint WHERE chain_id = ? ORDER BY seq DESC LIMIT 1"};
        for (String sql : queries) {
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setString(1, chainId);
                try (ResultSet rows = query.executeQuery()) {
                    if (rows.next()) {
                        return new ChainHead(rows.getLong(1), rows.getString(2));
                    }
                }
            }
        }
        return ChainHead.EMPTY;
    }

    @Override
    public void append(List<AuditEntry> entries) {
        Objects.requireNonNull(entries, "entries");
        if (entries.isEmpty()) {
            return;
        }
        synchronized (writeLock) {
            ensureOpen();
            try {
                Connection connection = writer();
                if (headInDoubt && resync(connection, entries)) {
                    return;
                }
                head = Transactions.inTransaction(connection, c -> insert(c, entries));
            } catch (SQLException e) {
                headInDoubt = true;
                dropWriterIfBroken();
                throw new AuditStoreException("could not append " + entries.size() + " audit rows", e);
            }
        }
    }

    /**
     * After a failure the database may hold more of this chain than we know: a commit can
     * succeed and its answer be lost with the connection. Reads the stored head; when it is
     * exactly {@code entries} chained after ours, that batch is stored already (returns true,
     * so a retry stores it once). A stored head ahead of ours for other reasons is adopted; one
     * behind ours is not, so rows deleted from the chain's end show up as a gap in verify.
     */
    private boolean resync(Connection connection, List<AuditEntry> entries) throws SQLException {
        ChainHead stored = readHead(connection, chainId);
        headInDoubt = false;
        if (stored.seq() <= head.seq()) {
            return false;
        }
        ChainHead ours = head;
        head = stored;
        return stored.equals(chained(ours, entries));
    }

    /** The head that appending {@code entries} after {@code from} leads to. */
    private ChainHead chained(ChainHead from, List<AuditEntry> entries) {
        long seq = from.seq();
        String hash = from.hash();
        for (AuditEntry entry : entries) {
            seq++;
            hash = RowHash.of(chainId, seq, AuditColumns.values(entry), hash);
        }
        return new ChainHead(seq, hash);
    }

    /** Inserts the rows after the current head; returns the new head (the caller commits). */
    private ChainHead insert(Connection connection, List<AuditEntry> entries) throws SQLException {
        long seq = head.seq();
        String previous = head.hash();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (AuditEntry entry : entries) {
                List<Object> values = AuditColumns.values(Objects.requireNonNull(entry, "audit entry"));
                seq++;
                String hash = RowHash.of(chainId, seq, values, previous);
                insert.setString(1, chainId);
                insert.setLong(2, seq);
                AuditColumns.bind(insert, 3, values);
                insert.setString(3 + AuditColumns.ENTRY.size(), previous);
                insert.setString(4 + AuditColumns.ENTRY.size(), hash);
                insert.addBatch();
                previous = hash;
            }
            insert.executeBatch();
        }
        return new ChainHead(seq, previous);
    }

    @Override
    public long purge(long beforeMillis) {
        synchronized (writeLock) {
            ensureOpen();
            try {
                return Transactions.inTransaction(writer(), c -> ChainPurge.purge(c, beforeMillis, clock.millis()));
            } catch (SQLException e) {
                headInDoubt = true;
                dropWriterIfBroken();
                throw new AuditStoreException("could not purge audit rows before " + beforeMillis, e);
            }
        }
    }

    @Override
    public VerifyReport verify() {
        ensureOpen();
        try (Connection connection = dialect.connect(jdbcUrl, false)) {
            return ChainVerifier.verify(connection, dialect);
        } catch (SQLException e) {
            throw new AuditStoreException("could not verify the audit chains", e);
        }
    }

    @Override
    public long count() {
        ensureOpen();
        try (Connection connection = dialect.connect(jdbcUrl, false);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM audit_log")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new AuditStoreException("could not count audit rows", e);
        }
    }

    @Override
    public SpendReport spend(SpendQuery query) {
        Objects.requireNonNull(query, "query");
        ensureOpen();
        try (Connection connection = dialect.connect(jdbcUrl, false)) {
            return reports.spend(connection, query);
        } catch (SQLException e) {
            throw new AuditStoreException("could not report spend", e);
        }
    }

    @Override
    public RecordedTraffic recordedCalls(long fromMillis, long toMillis, int limit) {
        ensureOpen();
        try (Connection connection = dialect.connect(jdbcUrl, false)) {
            return RecordedCallsQuery.read(connection, fromMillis, toMillis, limit);
        } catch (SQLException e) {
            throw new AuditStoreException("could not read recorded calls", e);
        }
    }

    @Override
    public LoopReport loop(String loopId, long fromMillis, long toMillis) {
        ensureOpen();
        try (Connection connection = dialect.connect(jdbcUrl, false)) {
            return reports.loop(connection, loopId, fromMillis, toMillis);
        } catch (SQLException e) {
            throw new AuditStoreException("could not report on loop " + loopId, e);
        }
    }

    @Override
    public LedgerSnapshot ledgerHistory(long nowMillis) {
        ensureOpen();
        try (Connection connection = dialect.connect(jdbcUrl, false)) {
            return LedgerHistoryQuery.read(connection, dialect, nowMillis);
        } catch (SQLException e) {
            throw new AuditStoreException("could not read the ledger's history", e);
        }
    }

    /** This instance's chain head, for tests: what the next append continues from. */
    ChainHead head() {
        synchronized (writeLock) {
            return head;
        }
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            closed = true;
            if (writer != null) {
                try {
                    writer.close();
                } catch (SQLException ignored) {
                    // Closing: nothing is left to lose; the last append committed or failed already.
                }
                writer = null;
            }
        }
    }

    private Connection writer() throws SQLException {
        if (writer == null) {
            writer = dialect.connect(jdbcUrl, true);
        }
        return writer;
    }

    private void dropWriterIfBroken() {
        try {
            if (writer != null && !writer.isValid(2)) {
                writer.close();
                writer = null;
            }
        } catch (SQLException e) {
            writer = null;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the audit store is closed");
        }
    }
}
