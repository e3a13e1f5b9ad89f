package dev.loopgate.budgets;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money is counted in whole nano-dollars (1e-9 USD) held in a {@code long}: exact to add
 * and compare, atomic in Redis, and fine enough for the cheapest per-token price.
 */
public final class Money {
    public static final long NANOS_PER_USD = 1_000_000_000L;
    private static final BigDecimal NANOS = BigDecimal.valueOf(NANOS_PER_USD);

    private Money() {
    }

    /** Whole nano-dollars for a USD amount, rounded up so nothing is under-charged. */
    public static long nanosOf(BigDecimal usd) {
        return usd.multiply(NANOS).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    public static BigDecimal toUsd(long nanos) {
        return BigDecimal.valueOf(nanos, 9);
    }

    /** A plain decimal USD string with no exponent and no trailing zeros, e.g. {@code 0.00042}. */
    public static String format(long nanos) {
        BigDecimal usd = toUsd(nanos).stripTrailingZeros();
        return usd.signum() == 0 ? "0" : usd.toPlainString();
    }
}
