package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.BudgetLimits;
import java.util.Objects;

/** Argument checks shared by the ledger's records and implementations; they throw at once. */
public final class Checks {
    /** See {@link BudgetLimits#MAX_AMOUNT}. */
    public static final long MAX_AMOUNT = BudgetLimits.MAX_AMOUNT;
    private static final int MAX_ID_LENGTH = 256;

    private Checks() {
    }

    public static void nonNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, was " + value);
        }
    }

    public static void amount(long value, String name) {
        if (value < 0 || value > MAX_AMOUNT) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX_AMOUNT + ", was " + value);
        }
    }

    public static void positive(long value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    /**
     * A loop id is part of Redis key names and their hash tag ({@code {<loopId>}}), so it
     * may not contain braces; nor control characters.
     */
    public static String loopId(String loopId) {
        return id(loopId, "loopId");
    }

    public static String keyName(String keyName) {
        return id(keyName, "keyName");
    }

    public static void requestHash(String requestHash) {
        if (requestHash != null && (requestHash.length() > MAX_ID_LENGTH || hasControl(requestHash))) {
            throw new IllegalArgumentException("requestHash must be at most " + MAX_ID_LENGTH
                    + " characters without control characters");
        }
    }

    private static String id(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty() || value.length() > MAX_ID_LENGTH || hasControl(value)
                || value.indexOf('{') >= 0 || value.indexOf('}') >= 0) {
            throw new IllegalArgumentException(name + " must be 1 to " + MAX_ID_LENGTH
                    + " characters without braces or control characters, was '" + value + "'");
        }
        return value;
    }

    private static boolean hasControl(String value) {
        return value.chars().anyMatch(Character::isISOControl);
    }
}
