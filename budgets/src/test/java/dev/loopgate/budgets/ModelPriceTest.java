package dev.loopgate.budgets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelPriceTest {
    @Test
    void costIsTokensTimesPricePerMillion() {
        ModelPrice price = ModelPrice.of(15.0, 75.0);
        // 1,000 prompt tokens at $15/M = $0.015; 200 completion at $75/M = $0.015.
        assertEquals(30_000_000L, price.costNanos(new Usage(1_000, 200, 0)));
        assertEquals("0.03", Money.format(price.costNanos(new Usage(1_000, 200, 0))));
    }

    @Test
    void cachedPromptTokensUseTheCachedPriceWhenSet() {
        ModelPrice price = new ModelPrice(new BigDecimal("3.0"), new BigDecimal("15.0"), new BigDecimal("0.3"));
        // 600 uncached at $3/M + 400 cached at $0.30/M = 0.0018 + 0.00012
        assertEquals(1_920_000L, price.costNanos(new Usage(1_000, 0, 400)));
    }

    @Test
    void cacheWritesUseTheCacheWritePriceAndCacheReadsTheCachedPrice() {
        ModelPrice price = new ModelPrice(new BigDecimal("3.0"), new BigDecimal("15.0"), new BigDecimal("0.3"),
                new BigDecimal("3.75"));
        // 10,000 prompt tokens: 2,000 plain at $3/M, 3,000 read from the cache at $0.30/M, 5,000 written
        // to it at $3.75/M; 1,000 completion at $15/M: 0.006 + 0.0009 + 0.01875 + 0.015 = $0.04065.
        assertEquals(40_650_000L, price.costNanos(new Usage(10_000, 1_000, 3_000, 5_000)));
    }

    @Test
    void cacheWritesCostTheInputPriceWhenNoCacheWritePriceIsSet() {
        ModelPrice price = new ModelPrice(new BigDecimal("3.0"), new BigDecimal("15.0"), new BigDecimal("0.3"));
        // 7,000 at $3/M (plain and written alike) + 3,000 at $0.30/M + 1,000 at $15/M = 0.021 + 0.0009 + 0.015
        assertEquals(36_900_000L, price.costNanos(new Usage(10_000, 1_000, 3_000, 5_000)));
        assertEquals(price.costNanos(new Usage(10_000, 1_000, 3_000)), price.costNanos(new Usage(10_000, 1_000, 3_000, 5_000)));
    }

    @Test
    void usageWithoutCacheWritesIsTheThreeCountUsage() {
        assertEquals(new Usage(100, 20, 30, 0), new Usage(100, 20, 30));
        assertEquals(0, Usage.NONE.cacheWriteTokens());
    }

    @Test
    void cacheCountsBeyondThePromptAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Usage(100, 0, 60, 41));
        assertThrows(IllegalArgumentException.class, () -> new Usage(100, 0, 0, -1));
        assertEquals(100, new Usage(100, 0, 60, 40).promptTokens());
        assertThrows(IllegalArgumentException.class,
                () -> new ModelPrice(BigDecimal.ONE, BigDecimal.ONE, null, new BigDecimal("-0.1")));
    }

    @Test
    void fractionsOfANanoDollarRoundUpOncePerCall() {
        ModelPrice price = ModelPrice.of(0.075, 0.3);
        // 1 token at $0.075/M = 75 nano-dollars exactly; 1 token at $0.0001/M rounds up to 1.
        assertEquals(75L, price.costNanos(new Usage(1, 0, 0)));
        assertEquals(1L, new ModelPrice(new BigDecimal("0.0001"), BigDecimal.ZERO, null).costNanos(new Usage(1, 0, 0)));
    }

    @Test
    void negativePricesAndCountsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ModelPrice.of(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> new Usage(-1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new Usage(1, 0, 2));
    }

    @Test
    void moneyFormatsAsPlainDecimalUsd() {
        assertEquals("0", Money.format(0));
        assertEquals("0.000000001", Money.format(1));
        assertEquals("12.5", Money.format(12_500_000_000L));
    }

    @Test
    void longArithmeticPricesExactlyAsDecimalArithmetic() {
        Random random = new Random(42);
        String[] prices = {"0", "0.02", "0.4", "1.6", "2.5", "3.0", "15", "75.123456789", "0.0000000001", "1e-12",
            "123456.000000001"};
        for (int i = 0; i < 20_000; i++) {
            ModelPrice price = new ModelPrice(new BigDecimal(pick(prices, random)), new BigDecimal(pick(prices, random)),
                    random.nextBoolean() ? null : new BigDecimal(pick(prices, random)),
                    random.nextBoolean() ? null : new BigDecimal(pick(prices, random)));
            long prompt = random.nextInt(2_000_000);
            long cached = prompt == 0 ? 0 : random.nextLong(prompt + 1);
            long written = prompt - cached == 0 ? 0 : random.nextLong(prompt - cached + 1);
            Usage usage = new Usage(prompt, random.nextInt(200_000), cached, written);
            assertEquals(price.exactCostNanos(usage, prompt - cached - written), price.costNanos(usage),
                    () -> price + " " + usage);
        }
    }

    @Test
    void callsTooLargeForLongArithmeticArePricedInDecimals() {
        // 10^15 nano-USD per million tokens × 10^4 tokens overflows a long before the division.
        ModelPrice price = new ModelPrice(new BigDecimal("1000000"), new BigDecimal("1000000"), null);
        Usage huge = new Usage(10_000, 0, 0);
        assertEquals(10_000_000_000_000L, price.costNanos(huge));
    }

    private static String pick(String[] values, Random random) {
        return values[random.nextInt(values.length)];
    }
}
