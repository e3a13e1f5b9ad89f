package dev.loopgate.rules;

import java.util.List;
import java.util.Objects;

/**
 * Why the rules decided what they did for one call.
 *
 * @param rules     every rule in order, with the condition that failed or {@code matched}, and
 *                  whether its action took effect (rules after the deciding one are marked so)
 * @param modifiers the modifiers that applied, e.g. {@code escalate 1 (retry-escalates)}, or why
 *                  they were ignored, then the net tier shift and the cap chosen
 * @param decision  the decision {@link RuleSet#decide} makes for the same call
 */
public record Explanation(List<RuleTrace> rules, List<String> modifiers, Decision decision) {
    public Explanation {
        rules = List.copyOf(rules);
        modifiers = List.copyOf(modifiers);
        Objects.requireNonNull(decision, "decision");
    }
}
