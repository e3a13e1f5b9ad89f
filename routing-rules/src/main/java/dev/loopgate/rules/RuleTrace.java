package dev.loopgate.rules;

import java.util.Objects;

/**
 * One rule's part in a decision.
 *
 * @param id      the rule's id
 * @param matched whether its {@code when} held
 * @param detail  {@code matched}, or the condition that failed, e.g. {@code role: 'maker' is not 'checker'}
 * @param action  what the rule does and whether it took effect, e.g. {@code route frontier (decided)},
 *                {@code escalate 1 (applied)}, {@code reject (after the deciding rule: not applied)}
 */
public record RuleTrace(String id, boolean matched, String detail, String action) {
    public RuleTrace {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(action, "action");
    }
}
