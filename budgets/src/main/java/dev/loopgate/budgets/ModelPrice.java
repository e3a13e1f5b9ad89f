package dev.loopgate.budgets;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A model's prices in USD per million tokens. Prompt tokens read from the provider's
 * cache are charged at {@code cachedInput} and those written into it at
 * {@code cacheWrite}; either falls back to the plain input price when not set.
 *
 * <p>A value with a record's contract (accessors, equals by the four prices). Not a record,
 * because every call is priced twice (reserve, settle): prices with at most nine decimals are
 * kept as whole nano-USD per million tokens as well, so a call is priced in long arithmetic,
 * exactly as the decimal arithmetic would, without allocating.
 */
public final class ModelPrice {
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final long NANOS_PER_MILLION_TOKENS_DIVISOR = 1_000_000;
    /** Marks a price that has no exact whole number of nano-USD per million tokens. */
    private static final long INEXACT = -1;

    private final BigDecimal input;
    private final BigDecimal output;
    private final BigDecimal cachedInput;
    private final BigDecimal cacheWrite;
    private final long inputNanos;
    private final long outputNanos;
    private final long cachedInputNanos;
    private final long cacheWriteNanos;

    public ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cachedInput, BigDecimal cacheWrite) {
        requireNonNegative(input, "input");
        requireNonNegative(output, "output");
        if (cachedInput != null) {
            requireNonNegative(cachedInput, "cached_input");
        }
        if (cacheWrite != null) {
            requireNonNegative(cacheWrite, "cache_write");
        }
        this.input = input;
        this.output = output;
        this.cachedInput = cachedInput;
        this.cacheWrite = cacheWrite;
        this.inputNanos = nanos(input);
        this.outputNanos = nanos(output);
        this.cachedInputNanos = nanos(orInput(cachedInput));
        this.cacheWriteNanos = nanos(orInput(cacheWrite));
    }

    /** Prices without a cache-write price: writes cost the input price. */
    public ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cachedInput) {
        this(input, output, cachedInput, null);
    }

    public static ModelPrice of(double input, double output) {
        return new ModelPrice(BigDecimal.valueOf(input), BigDecimal.valueOf(output), null, null);
    }

    public BigDecimal input() {
        return input;
    }

    public BigDecimal output() {
        return output;
    }

    public BigDecimal cachedInput() {
        return cachedInput;
    }

    public BigDecimal cacheWrite() {
        return cacheWrite;
    }

    /** The cost of the given usage in nano-dollars, rounded up once over the whole call. */
    public long costNanos(Usage usage) {
        long plain = usage.promptTokens() - usage.cachedPromptTokens() - usage.cacheWriteTokens();
        if (inputNanos != INEXACT && outputNanos != INEXACT && cachedInputNanos != INEXACT
                && cacheWriteNanos != INEXACT) {
            try {
                long perMillion = Math.addExact(Math.addExact(Math.multiplyExact(inputNanos, plain),
                                Math.multiplyExact(cachedInputNanos, usage.cachedPromptTokens())),
                        Math.addExact(Math.multiplyExact(cacheWriteNanos, usage.cacheWriteTokens()),
                                Math.multiplyExact(outputNanos, usage.completionTokens())));
                return perMillion / NANOS_PER_MILLION_TOKENS_DIVISOR
                        + (perMillion % NANOS_PER_MILLION_TOKENS_DIVISOR == 0 ? 0 : 1);
            } catch (ArithmeticException tooLarge) {
                // Falls through to the decimal arithmetic, which has no limit.
            }
        }
        return exactCostNanos(usage, plain);
    }

    /** The same cost in decimal arithmetic: any price, any size. */
    long exactCostNanos(Usage usage, long plain) {
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

    /** USD per million tokens as whole nano-USD per million tokens, or {@link #INEXACT}. */
    private static long nanos(BigDecimal usd) {
        try {
            return usd.movePointRight(9).longValueExact();
        } catch (ArithmeticException fractionOrTooLarge) {
            return INEXACT;
        }
    }

    private static void requireNonNegative(BigDecimal value, String name) {
        Objects.requireNonNull(value, name);
        if (value.signum() < 0) {
            throw new IllegalArgumentException(name + " price must not be negative");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ModelPrice that && input.equals(that.input) && output.equals(that.output)
                && Objects.equals(cachedInput, that.cachedInput) && Objects.equals(cacheWrite, that.cacheWrite);
    }

    @Override
    public int hashCode() {
        return Objects.hash(input, output, cachedInput, cacheWrite);
    }

    @Override
    public String toString() {
        return "ModelPrice[input=" + input + ", output=" + output + ", cachedInput=" + cachedInput + ", cacheWrite="
                + cacheWrite + "]";
    }
}
