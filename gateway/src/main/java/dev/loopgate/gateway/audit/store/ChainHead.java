package dev.loopgate.gateway.audit.store;

/** The last link of a chain: its sequence number (0 before the first row) and hash. */
record ChainHead(long seq, String hash) {
    static final ChainHead EMPTY = new ChainHead(0, RowHash.GENESIS);
}
