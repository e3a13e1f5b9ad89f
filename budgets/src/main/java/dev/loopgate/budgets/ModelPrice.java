package dev.loopgate.budgets;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A model's prices in USD per million tokens. Prompt tokens read from the provider's
 * cache are charged at {@code cachedInput} and those written into it at
 * {@code cacheWrite}; either falls back to the plain input price when not set.
 */
public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cachedInput, BigDecimal cacheWrite) {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public ModelPrice {
        requireNonNegative(input, "input");
        requireNonNegative(output, "output");
        if (cachedInput != null) {
            requireNonNegative(cachedInput, "cached_input");
        }
        if (cacheWrite != null) {
            requireNonNegative(cacheWrite, "cache_write");
        }
    }

    /** Prices without a cache-write price: writes cost the input price. */
    public ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
        this(input, output, cachedInput, null);
    }

    public static ModelPrice of(double input, double output) {
        return new ModelPrice(BigDecimal.valueOf(input), BigDecimal.valueOf(output), null, null);
    }

    /** The cost of the given usage in nano-dollars, rounded up once over the whole call. */
    public long costNanos(Usage usage) {
        long plain = usage.promptTokens() - usage.cachedPromptTokens() - usage.cacheWriteTokens();
        BigDecimal usd = input.multiply(BigDecimal.valueOf(plain))
                .add(orInput(cachedInput).multiply(BigDecimal.valueOf(usage.cachedPromptTokens())))
                .add(orInput(cacheWrite).multiply(BigDecimal.valueOf(usage.cacheWriteTokens())))
                .add(output.multiply(BigDecimal.valueOf(usage.completionTokens())))
                .divide(MILLION);
        return Money.nanosOf(usd);
    }

    private BigDecimal orInput(BigDecimal price) {
        return price == null ? input : price;
    }

    private static void requireNonNegative(BigDecimal value, String name) {
        Objects.requireNonNull(value, name);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " price must not be negative");
        }
    }
}
