package dev.loopgate.gateway.rules;

import dev.loopgate.rules.RuleSet;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The rules version calls are routed by. A call reads it once, when it is routed, so
 * it finishes under the version it started with; a swap never blocks or fails a call.
 */
public final class ActiveRules {
    /** One compiled version. */
    public record Version(long number, RuleSet rules) {
        public Version {
            Objects.requireNonNull(rules, "rules");
        }
    }

    private final AtomicReference<Version> current;

    public ActiveRules(Version initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    public Version current() {
        return current.get();
    }

    /** Makes {@code next} current unless a newer version already is; true when it was applied. */
    public boolean apply(Version next) {
        Version seen;
        do {
            seen = current.get();
            if (next.number() <= seen.number()) {
                return false;
            }
        } while (!current.compareAndSet(seen, next));
        return true;
    }

    /**
     * Makes {@code recompiled} current if it is the same version as {@code was} (the current
     * one, compiled again for new tiers); false when a newer version came in between.
     */
    public boolean recompiled(Version was, Version recompiled) {
        return was.number() == recompiled.number() && current.compareAndSet(was, recompiled);
    }
}
