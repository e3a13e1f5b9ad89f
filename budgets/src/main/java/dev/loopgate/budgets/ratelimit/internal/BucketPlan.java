package dev.loopgate.budgets.ratelimit.internal;

import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.budgets.ratelimit.internal.BucketSpec.Measure;
import dev.loopgate.budgets.ratelimit.internal.BucketSpec.Owner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one call must take, in order (loop RPM, loop TPM, key RPM, key TPM; unlimited ones
 * left out), or the refusal it gets without touching a bucket because it can never fit.
 */
public record BucketPlan(List<Take> takes, RateDecision.Limited refusal) {
    /** A call bigger than a bucket can ever hold is told to come back after a full refill. */
    public static final long NEVER_FITS_RETRY_AFTER_MILLIS = BucketSpec.REFILL_PERIOD.toMillis();

    /** Take {@code amount} from {@code bucket}. */
    public record Take(BucketSpec bucket, long amount) {
    }

    public static BucketPlan of(String loopId, RateLimits loopLimits, String keyName, RateLimits keyLimits,
            long tokens) {
        requireName(loopId, "loopId");
        requireName(keyName, "keyName");
        Objects.requireNonNull(loopLimits, "loopLimits");
        Objects.requireNonNull(keyLimits, "keyLimits");
        if (tokens < 0) {
            throw new IllegalArgumentException("tokens must not be negative, was " + tokens);
        }
        List<Take> takes = new ArrayList<>(4);
        for (Owner owner : Owner.values()) {
            String id = owner == Owner.LOOP ? loopId : keyName;
            RateLimits limits = owner == Owner.LOOP ? loopLimits : keyLimits;
            if (limits.limitsRequests()) {
                takes.add(new Take(new BucketSpec(owner, id, Measure.REQUESTS, limits.requestsPerMinute()), 1));
            }
            if (limits.limitsTokens() && tokens > 0) {
                BucketSpec bucket = new BucketSpec(owner, id, Measure.TOKENS, limits.tokensPerMinute());
                if (tokens > bucket.capacity()) {
                    return new BucketPlan(List.of(), new RateDecision.Limited(bucket.scope() + ": a call of " + tokens
                            + " tokens can never fit a limit of " + bucket.capacity(), NEVER_FITS_RETRY_AFTER_MILLIS));
                }
                takes.add(new Take(bucket, tokens));
            }
        }
        return new BucketPlan(List.copyOf(takes), null);
    }

    private static void requireName(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must be non-blank, was '" + value + "'");
        }
    }
}
