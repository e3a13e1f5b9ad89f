package dev.loopgate.budgets.ledger;

import dev.loopgate.budgets.ledger.internal.Checks;

/**
 * What a call actually cost once it ended. It may be more than was reserved (the provider
 * overran); it is charged in full anyway.
 *
 * @param upstreamFailed the call failed upstream (counts towards {@link Breaker#UPSTREAM_FAILURES});
 *                       false resets that count
 */
public record Settlement(long actualNanos, long actualTokens, boolean upstreamFailed) {
    public Settlement {
        Checks.amount(actualNanos, "actualNanos");
        Checks.amount(actualTokens, "actualTokens");
    }
}
