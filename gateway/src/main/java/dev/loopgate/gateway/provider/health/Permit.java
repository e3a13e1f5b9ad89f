package dev.loopgate.gateway.provider.health;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The answer of a target's breaker to one call: whether it may go through, and, when it
 * may, the handle to report how it went. Report exactly once; later reports are ignored.
 */
public final class Permit {
    /** How the call was let through. */
    public enum Kind {
        /** The breaker is closed. */
        NORMAL,
        /** The one call a half-open breaker lets through to learn whether the target is back. */
        PROBE,
        /** Every target of the call was open; this one, opened longest ago, is tried anyway. */
        FORCED,
        /** Open, or half-open with its probe under way: skip this target. */
        DENIED
    }

    static final Permit DENIED = new Permit(null, Kind.DENIED, 0);

    private final TargetHealth target;
    private final Kind kind;
    private final long generation;
    private final AtomicBoolean reported = new AtomicBoolean();

    Permit(TargetHealth target, Kind kind, long generation) {
        this.target = target;
        this.kind = kind;
        this.generation = generation;
    }

    public Kind kind() {
        return kind;
    }

    public boolean allowed() {
        return kind != Kind.DENIED;
    }

    /** Reports how the call went; only the first report counts, and a denied permit reports nothing. */
    public void report(Outcome outcome) {
        if (target != null && reported.compareAndSet(false, true)) {
            target.report(this, outcome);
        }
    }

    long generation() {
        return generation;
    }
}
