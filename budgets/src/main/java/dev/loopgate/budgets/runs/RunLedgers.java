package dev.loopgate.budgets.runs;

import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.runs.internal.InMemoryRunLedger;
import dev.loopgate.budgets.runs.internal.RedisRunLedger;
import java.time.Duration;

/** Makes {@link RunLedger}s: in this process, or in Redis beside the loops' ledger. */
public final class RunLedgers {
    /** How long a run is kept after its latest call: a month, so a monthly job still finds its run. */
    public static final Duration RETENTION = Duration.ofDays(31);

    private RunLedgers() {
    }

    public static RunLedger inMemory() {
        return new InMemoryRunLedger(RETENTION.toMillis());
    }

    /** On a connection of its own from {@code link}, opened when first needed (and again after a failure). */
    public static RunLedger redis(RedisLink link, String namespace) {
        return new RedisRunLedger(link, namespace, RETENTION.toMillis());
    }
}
