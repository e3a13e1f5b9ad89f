package dev.loopgate.budgets.ledger;

/** A reserve request with test defaults: 0.1 USD and 100 tokens, no limits, no breakers, no key cap. */
final class Call {
    private final String loopId;
    private String keyName;
    private long keyCap;
    private String hash;
    private long worstNanos = 100_000_000;
    private long worstTokens = 100;
    private BudgetLimits limits = BudgetLimits.NONE;
    private BreakerSettings breakers = BreakerSettings.OFF;
    private ReserveChoices choices;

    Call(String loopId) {
        this.loopId = loopId;
    }

    Call worst(long nanos) {
        this.worstNanos = nanos;
        return this;
    }

    Call tokens(long tokens) {
        this.worstTokens = tokens;
        return this;
    }

    Call limits(BudgetLimits limits) {
        this.limits = limits;
        return this;
    }

    Call breakers(BreakerSettings breakers) {
        this.breakers = breakers;
        return this;
    }

    /** One worst case per cell of the loop's facts, in place of {@link #worst} and {@link #tokens}. */
    Call choices(ReserveChoices choices) {
        this.choices = choices;
        return this;
    }

    Call hash(String hash) {
        this.hash = hash;
        return this;
    }

    Call key(String keyName, long dailyCapNanos) {
        this.keyName = keyName;
        this.keyCap = dailyCapNanos;
        return this;
    }

    ReserveRequest at(long nowMillis) {
        return new ReserveRequest(loopId, keyName, hash,
                choices != null ? choices : ReserveChoices.single(worstNanos, worstTokens), limits, keyCap, breakers,
                nowMillis);
    }
}
