package dev.loopgate.gateway.audit.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Retention: per chain, deletes the longest prefix of rows older than the cutoff and records
 * a checkpoint (the last deleted row's seq and hash) from which verify continues. Only a whole
 * prefix goes, so a late row older than the cutoff but behind a newer one stays until the
 * rows before it are old too: the rest of the chain stays verifiable.
 */
final class ChainPurge {

    /** What one chain loses: rows {@code firstSeq..lastSeq}. */
    private record Prefix(String chainId, long firstSeq, long lastSeq) {
    }

    private ChainPurge() {
    }

    /** Inside the caller's transaction: purges every chain; returns how many rows went. */
    static long purge(Connection connection, long beforeMillis, long nowMillis) throws SQLException {
        long deleted = 0;
        for (Prefix prefix : prefixes(connection, beforeMillis)) {
            String lastHash = hashAt(connection, prefix.chainId(), prefix.lastSeq());
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM audit_log WHERE chain_id = ? AND seq <= ?")) {
                delete.setString(1, prefix.chainId());
                delete.setLong(2, prefix.lastSeq());
                deleted += delete.executeUpdate();
            }
            try (PreparedStatement checkpoint = connection.prepareStatement(
                    "INSERT INTO audit_checkpoint (chain_id, seq, hash, purged_before_ms, at_ms)"
                            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (chain_id, seq) DO NOTHING")) {
                checkpoint.setString(1, prefix.chainId());
                checkpoint.setLong(2, prefix.lastSeq());
                checkpoint.setString(3, lastHash);
                checkpoint.setLong(4, beforeMillis);
                checkpoint.setLong(5, nowMillis);
                checkpoint.executeUpdate();
            }
        }
        return deleted;
    }

    /** Per chain with rows older than the cutoff: the first row, and the last one before any newer row. */
    private static List<Prefix> prefixes(Connection connection, long beforeMillis) throws SQLException {
        List<Prefix> prefixes = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT chain_id, MIN(seq), MAX(seq), MIN(CASE WHEN at_ms >= ? THEN seq END) FROM audit_log"
                        + " WHERE chain_id IN (SELECT DISTINCT chain_id FROM audit_log WHERE at_ms < ?)"
                        + " GROUP BY chain_id")) {
            query.setLong(1, beforeMillis);
            query.setLong(2, beforeMillis);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    long first = rows.getLong(2);
                    long last = rows.getLong(3);
                    long firstKept = rows.getLong(4);
                    long lastPurged = rows.wasNull() ? last : firstKept - 1;
                    if (lastPurged >= first) {
                        prefixes.add(new Prefix(rows.getString(1), first, lastPurged));
                    }
                }
            }
        }
        return prefixes;
    }

    private static String hashAt(Connection connection, String chainId, long seq) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT hash FROM audit_log WHERE chain_id = ? AND seq = ?")) {
            query.setString(1, chainId);
            query.setLong(2, seq);
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("audit chain " + chainId + " has no row " + seq + " to checkpoint");
                }
                return rows.getString(1);
            }
        }
    }
}
