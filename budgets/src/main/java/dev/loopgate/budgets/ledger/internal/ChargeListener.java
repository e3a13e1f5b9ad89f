package dev.loopgate.budgets.ledger.internal;

/**
 * Told of every reservation an in-memory ledger charges, settled (its actual cost) or expired
 * (its reserved amount). Called under the ledger's lock: it must be quick and must not call the
 * ledger back.
 */
@FunctionalInterface
public interface ChargeListener {
    ChargeListener NONE = (loopId, bucket, nanos, tokens) -> {
    };

    void charged(String loopId, String bucket, long nanos, long tokens);
}
