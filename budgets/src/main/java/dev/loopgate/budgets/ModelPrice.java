package dev.loopgate.budgets;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A model's prices in USD per million tokens. Cached prompt tokens are charged at
 * {@code cachedInput} when it is set, otherwise at the plain input price.
 */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public ModelPrice {
        requireNonNegative(input, "input");
        requireNonNegative(output, "output");
        if (cachedInput != null) {
            requireNonNegative(cachedInput, "cached_input");
        }
    }

    public static ModelPrice of(double input, double output) {
        return new ModelPrice(BigDecimal.valueOf(input), BigDecimal.valueOf(output), null);
    }

    /** The cost of the given usage in nano-dollars, rounded up once over the whole call. */
    public long costNanos(Usage usage) {
        long uncached = usage.promptTokens() - usage.cachedPromptTokens();
        BigDecimal usd = input.multiply(BigDecimal.valueOf(uncached))
                .add((cachedInput == null ? input : cachedInput).multiply(BigDecimal.valueOf(usage.cachedPromptTokens())))
                .add(output.multiply(BigDecimal.valueOf(usage.completionTokens())))
                .divide(MILLION);
        return Money.nanosOf(usd);
    }

    private static void requireNonNegative(BigDecimal value, String name) {
        Objects.requireNonNull(value, name);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " price must not be negative");
        }
    }
}
