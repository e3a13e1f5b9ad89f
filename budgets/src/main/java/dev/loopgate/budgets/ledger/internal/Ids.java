package dev.loopgate.budgets.ledger.internal;

import java.util.concurrent.ThreadLocalRandom;

/** Reservation ids: 128 random bits in hex, unique across replicas without coordination. */
public final class Ids {
    private Ids() {
    }

    public static String reservationId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return hex(random.nextLong()) + hex(random.nextLong());
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
