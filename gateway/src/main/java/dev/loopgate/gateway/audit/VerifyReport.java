package dev.loopgate.gateway.audit;

import java.util.List;

/**
 * What {@code audit verify} found: rows and chains checked, and for each broken chain the
 * first row that breaks it (its id and sequence number) and how.
 */
public record VerifyReport(long rowsChecked, int chains, List<Break> breaks) {
    public VerifyReport {
        breaks = List.copyOf(breaks);
    }

    public boolean intact() {
        return breaks.isEmpty();
    }

    /**
     * @param rowId  the database id of the first row that breaks the chain
     * @param seq    its position in its chain
     * @param reason e.g. "hash does not match the row (edited)", "previous row missing (deleted)",
     *               "out of order (reordered)"
     */
    public record Break(String chainId, long rowId, long seq, String reason) {
    }
}
