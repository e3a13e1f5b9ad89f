package dev.loopgate.gateway.audit.store;

import dev.loopgate.gateway.audit.VerifyReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Walks every chain in sequence order, streaming the rows, and recomputes each link. A chain
 * starts at its latest purge checkpoint (or at seq 1 and {@link RowHash#GENESIS}). The first
 * row that breaks a chain is named:
 * <ul>
 *   <li>its hash does not match its contents but it links to the row before → edited;</li>
 *   <li>its seq skips ahead → the rows before it were deleted;</li>
 *   <li>it links to a row that is elsewhere in the chain → out of order (reordered);</li>
 *   <li>it links to a row that is gone → deleted; if its own hash still matches, the row
 *       before it was edited and re-hashed, and that row is named.</li>
 * </ul>
 * The last case needs a look-up; it is done once per broken chain, after the walk.
 */
final class ChainVerifier {
    private static final int FETCH_SIZE = 1_000;
    private static final String ROWS = "SELECT id, chain_id, seq, prev_hash, hash, " + AuditColumns.NAMES
            + " FROM audit_log ORDER BY chain_id, seq";
    private static final int ENTRY_FIRST_COLUMN = 6;

    /** A row whose link points elsewhere; what it means depends on where that link leads. */
    private record Suspect(String chainId, long rowId, long seq, String prevHash, boolean ownHashMatches,
            long previousRowId, long previousSeq) {
    }

    /** Where one chain's walk is. */
    private static final class Walk {
        final String chainId;
        long expectedSeq;
        String expectedPrev;
        long previousRowId = -1;
        boolean done;

        Walk(String chainId, ChainHead start) {
            this.chainId = chainId;
            this.expectedSeq = start.seq() + 1;
            this.expectedPrev = start.hash();
        }
    }

    private final List<VerifyReport.Break> breaks = new ArrayList<>();
    private final List<Suspect> suspects = new ArrayList<>();
    private long rowsChecked;

    private ChainVerifier() {
    }

    /** Verifies every chain on {@code connection}, in one read snapshot. */
    static VerifyReport verify(Connection connection, Dialect dialect) throws SQLException {
        dialect.beginSnapshot(connection);
        try {
            return new ChainVerifier().run(connection);
        } finally {
            connection.rollback();
        }
    }

    private VerifyReport run(Connection connection) throws SQLException {
        Map<String, ChainHead> checkpoints = checkpoints(connection);
        Set<String> chains = new TreeSet<>(checkpoints.keySet());
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(FETCH_SIZE);
            try (ResultSet rows = statement.executeQuery(ROWS)) {
                Walk walk = null;
                while (rows.next()) {
                    String chainId = rows.getString(2);
                    if (walk == null || !walk.chainId.equals(chainId)) {
                        walk = new Walk(chainId, checkpoints.getOrDefault(chainId, ChainHead.EMPTY));
                        chains.add(chainId);
                    }
                    rowsChecked++;
                    if (!walk.done) {
                        check(walk, rows);
                    }
                }
            }
        }
        for (Suspect suspect : suspects) {
            breaks.add(resolve(connection, suspect));
        }
        breaks.sort(Comparator.comparing(VerifyReport.Break::chainId));
        return new VerifyReport(rowsChecked, chains.size(), breaks);
    }

    private void check(Walk walk, ResultSet row) throws SQLException {
        long id = row.getLong(1);
        long seq = row.getLong(3);
        String prevHash = row.getString(4);
        String hash = row.getString(5);
        if (seq > walk.expectedSeq) {
            fail(walk, id, seq, "previous row missing (deleted): expected seq " + walk.expectedSeq + " before it");
            return;
        }
        if (seq < walk.expectedSeq) {
            fail(walk, id, seq, "row at or before the purge checkpoint (seq " + (walk.expectedSeq - 1)
                    + ") was inserted or the checkpoint edited");
            return;
        }
        boolean ownHashMatches = RowHash.of(walk.chainId, seq, AuditColumns.read(row, ENTRY_FIRST_COLUMN), prevHash)
                .equals(hash);
        boolean linked = walk.expectedPrev.equals(prevHash);
        if (linked && ownHashMatches) {
            walk.expectedSeq = seq + 1;
            walk.expectedPrev = hash;
            walk.previousRowId = id;
        } else if (linked) {
            fail(walk, id, seq, "hash does not match the row (edited)");
        } else {
            suspects.add(new Suspect(walk.chainId, id, seq, prevHash, ownHashMatches, walk.previousRowId, seq - 1));
            walk.done = true;
        }
    }

    private void fail(Walk walk, long rowId, long seq, String reason) {
        breaks.add(new VerifyReport.Break(walk.chainId, rowId, seq, reason));
        walk.done = true;
    }

    private static VerifyReport.Break resolve(Connection connection, Suspect suspect) throws SQLException {
        if (hashExists(connection, suspect.chainId(), suspect.prevHash())) {
            return new VerifyReport.Break(suspect.chainId(), suspect.rowId(), suspect.seq(),
                    "out of order (reordered): it follows another row of the chain, not the one before it");
        }
        if (suspect.ownHashMatches() && suspect.previousRowId() >= 0) {
            return new VerifyReport.Break(suspect.chainId(), suspect.previousRowId(), suspect.previousSeq(),
                    "row was edited and re-hashed: the next row does not link to it");
        }
        if (suspect.ownHashMatches()) {
            return new VerifyReport.Break(suspect.chainId(), suspect.rowId(), suspect.seq(),
                    "does not continue from the chain's start or purge checkpoint (checkpoint edited or deleted)");
        }
        return new VerifyReport.Break(suspect.chainId(), suspect.rowId(), suspect.seq(),
                "previous row missing (deleted) and the chain renumbered");
    }

    private static boolean hashExists(Connection connection, String chainId, String hash) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*) FROM audit_log WHERE chain_id = ? AND hash = ?")) {
            query.setString(1, chainId);
            query.setString(2, hash);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1) > 0;
            }
        }
    }

    /** The latest checkpoint per chain: where its walk starts. */
    private static Map<String, ChainHead> checkpoints(Connection connection) throws SQLException {
        Map<String, ChainHead> latest = new HashMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT chain_id, seq, hash FROM audit_checkpoint ORDER BY chain_id, seq")) {
            while (rows.next()) {
                latest.put(rows.getString(1), new ChainHead(rows.getLong(2), rows.getString(3)));
            }
        }
        return latest;
    }
}
