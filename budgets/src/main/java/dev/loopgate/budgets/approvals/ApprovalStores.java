package dev.loopgate.budgets.approvals;

import dev.loopgate.budgets.approvals.internal.InMemoryApprovalStore;
import dev.loopgate.budgets.approvals.internal.RedisApprovalStore;
import dev.loopgate.budgets.redis.RedisLink;
import java.time.Clock;
import java.time.Duration;

/** Makes {@link ApprovalStore}s: in this process, or in Redis for every replica. */
public final class ApprovalStores {
    /** How long an approval is kept after its latest change: a month, as runs are. */
    public static final Duration RETENTION = Duration.ofDays(31);

    private ApprovalStores() {
    }

    public static ApprovalStore inMemory(Clock clock) {
        return new InMemoryApprovalStore(clock, RETENTION.toMillis());
    }

    /** On a connection of its own from {@code link}, opened when first needed (and again after a failure). */
    public static ApprovalStore redis(RedisLink link, String namespace) {
        return new RedisApprovalStore(link, namespace, RETENTION.toMillis());
    }
}
