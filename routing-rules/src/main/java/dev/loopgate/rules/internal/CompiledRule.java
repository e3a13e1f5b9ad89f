package dev.loopgate.rules.internal;

import dev.loopgate.rules.RejectDecision;
import dev.loopgate.rules.TierTable;

/** One validated rule, flattened for the evaluation loop: its condition, what it does, and its precomputed result. */
final class CompiledRule {
    final String id;
    final Condition when;
    final RuleAction action;
    final RuleAction.Kind kind;
    /** Modifier rules: net tiers toward the first one. */
    final int shift;
    /** Modifier rules: their {@code max_tokens_cap}, or 0. */
    final int cap;
    /** Destination rules only. */
    final Destination destination;
    /** Reject rules only. */
    final RejectDecision reject;

    CompiledRule(String id, Condition when, RuleAction action, TierTable tiers) {
        this.id = id;
        this.when = when;
        this.action = action;
        this.kind = action.kind();
        this.shift = action.shift();
        this.cap = action.cap();
        this.destination = kind == RuleAction.Kind.DESTINATION
                ? Destination.of(tiers, action.tier(), action.model(), id, action.cap()) : null;
        this.reject = kind == RuleAction.Kind.REJECT ? new RejectDecision(id, action.message()) : null;
    }
}
