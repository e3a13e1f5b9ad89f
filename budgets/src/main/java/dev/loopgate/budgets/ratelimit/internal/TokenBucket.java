package dev.loopgate.budgets.ratelimit.internal;

import io.github.bucket4j.ConsumptionProbe;
import java.util.concurrent.CompletionStage;

/** The two bucket operations {@link AllOrNothing} needs, local or remote. */
public interface TokenBucket {
    CompletionStage<ConsumptionProbe> tryConsume(long amount);

    /** Gives back what was taken; the bucket never goes over its capacity. */
    CompletionStage<Void> addTokens(long amount);
}
