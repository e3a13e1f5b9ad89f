package dev.loopgate.budgets.ledger;

import java.util.Objects;

/**
 * Money and tokens held for one call until it is settled, or charged in full at
 * {@code expiresAtMillis} if it never is.
 *
 * @param id              unique; settling it twice charges once
 * @param bucket          the period bucket it is held in and will be charged to: {@code total},
 *                        {@code d:yyyy-MM-dd} or {@code m:yyyy-MM} (UTC, the time of the reserve)
 * @param keyDay          the UTC day ({@code yyyy-MM-dd}) whose key cap also holds it, or null when
 *                        no key cap applied
 */
public record Reservation(String id, String loopId, String keyName, long reservedNanos, long reservedTokens,
        long expiresAtMillis, String bucket, String keyDay) {
    public Reservation {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(bucket, "bucket");
    }
}
