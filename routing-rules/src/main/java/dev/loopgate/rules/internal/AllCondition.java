package dev.loopgate.rules.internal;

import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.RequestFacts;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every part must hold: the keys of one {@code when} object, or an explicit {@code all: [...]}.
 * {@link #test} tries the cheap parts first (the result is the same in any order); explain
 * reports the first part that fails in the order written.
 */
final class AllCondition extends Condition {
    /** As written, for explain. */
    private final Condition[] parts;
    /** Cheapest first, for {@link #test}. */
    private final Condition[] byCost;
    private final boolean explicit;

    /** {@code explicit}: written as {@code all: [...]} rather than several keys of one {@code when}. */
    AllCondition(List<Condition> parts, boolean explicit) {
        this.parts = parts.toArray(new Condition[0]);
        this.byCost = this.parts.clone();
        Arrays.sort(byCost, Comparator.comparingInt(Condition::cost)); // stable
        this.explicit = explicit;
    }

    @Override
    boolean test(RequestFacts facts) {
        for (Condition part : byCost) {
            if (!part.test(facts)) {
                return false;
            }
        }
        return true;
    }

    @Override
    void loopFactCuts(LoopFactCuts.Collector cuts) {
        for (Condition part : parts) {
            part.loopFactCuts(cuts);
        }
    }

    @Override
    String whyNot(RequestFacts facts) {
        for (Condition part : parts) {
            String why = part.whyNot(facts);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    @Override
    String describe() {
        String inner = Arrays.stream(parts).map(Condition::describe).collect(Collectors.joining(explicit ? "; " : ", "));
        return explicit ? "all [" + inner + "]" : "{" + inner + "}";
    }

    @Override
    int cost() {
        return 5 + parts.length;
    }
}
