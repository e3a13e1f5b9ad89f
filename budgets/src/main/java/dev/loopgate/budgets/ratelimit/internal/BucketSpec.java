package dev.loopgate.budgets.ratelimit.internal;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.util.Objects;

/**
 * One bucket: whose it is, what it counts and how much it holds. The capacity is part of the
 * bucket's identity, so a changed limit gets a bucket of its own instead of reusing the old one.
 */
public record BucketSpec(Owner owner, String id, Measure measure, long capacity) {
    /** A bucket refills fully in this time (greedy refill of {@code capacity} per minute). */
    public static final Duration REFILL_PERIOD = Duration.ofMinutes(1);

    public enum Owner {
        LOOP("loop"), KEY("key");

        final String word;

        Owner(String word) {
            this.word = word;
        }
    }

    public enum Measure {
        REQUESTS("requests per minute", "rpm"), TOKENS("tokens per minute", "tpm");

        final String phrase;
        final String keyPart;

        Measure(String phrase, String keyPart) {
            this.phrase = phrase;
            this.keyPart = keyPart;
        }
    }

    public BucketSpec {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(measure, "measure");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
    }

    /** What a refusal by this bucket names, e.g. {@code loop build-7 requests per minute}. */
    public String scope() {
        return owner.word + " " + id + " " + measure.phrase;
    }

    /** Holds {@code capacity}, starts full, refills {@code capacity} per minute, greedily. */
    public BucketConfiguration configuration() {
        return BucketConfiguration.builder()
                .addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, REFILL_PERIOD).build())
                .build();
    }
}
