package dev.loopgate.budgets.ledger.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Random ids, unique across replicas without coordination: a ledger epoch is 64 random bits in
 * hex, a reservation id 128 random bits in hex, and in Redis its epoch first (with ':'), so a
 * settle can tell a reservation made before Redis lost the ledger.
 */
public final class Ids {
    private Ids() {
    }

    public static String epoch() {
        return hex(ThreadLocalRandom.current().nextLong());
    }

    public static String reservationId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return hex(random.nextLong()) + hex(random.nextLong());
    }

    public static String reservationId(String epoch) {
        return epoch + ":" + reservationId();
    }

    /** The epoch a reservation id was made in; "" for ids made by other ledgers. */
    public static String epochOf(String reservationId) {
        int colon = reservationId.indexOf(':');
        return colon < 0 ? "" : reservationId.substring(0, colon);
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
