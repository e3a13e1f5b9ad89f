package dev.loopgate.budgets.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * RPM and TPM limits per loop and per key, as token buckets that refill greedily: a limit of
 * {@code n} per minute holds at most {@code n} and gains {@code n} spread evenly over a minute.
 * A call takes 1 from each RPM bucket and its {@code tokens} from each TPM bucket of its loop and
 * its key; a limit of 0 has no bucket.
 *
 * <p>A bucket belongs to one limit value: when a loop's or key's configured limit changes, calls
 * use a fresh, full bucket for the new value and the old one is forgotten once idle.
 *
 * <p>Made by {@link RateLimiters}. Returned stages may complete on the limiter's own threads
 * (Redis I/O threads); callers move back to their own context before touching their state.
 * A stage fails only when the limiter cannot work (Redis unreachable); whether to fail open or
 * closed then is the caller's choice.
 */
public interface RateLimiter extends AutoCloseable {
    /**
     * Takes 1 request and {@code tokens} tokens from the loop's and the key's buckets;
     * all-or-nothing: a refusal consumes nothing. A call of more tokens than a TPM limit can
     * ever hold is refused at once with a retry-after of 60 s.
     *
     * @param loopId     the loop, non-blank
     * @param loopLimits the loop's limits ({@link RateLimits#NONE} for none)
     * @param keyName    the key's name, non-blank
     * @param keyLimits  the key's limits ({@link RateLimits#NONE} for none)
     * @param tokens     the call's estimated tokens, 0 or more (0 touches only the RPM buckets)
     * @throws IllegalArgumentException at once (not through the stage) for a blank id or negative tokens
     */
    CompletionStage<RateDecision> acquire(String loopId, RateLimits loopLimits, String keyName, RateLimits keyLimits,
            long tokens);

    /** Releases the limiter's connections; it cannot be used afterwards. Does not block. */
    @Override
    void close();
}
