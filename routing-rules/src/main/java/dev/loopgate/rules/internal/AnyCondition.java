package dev.loopgate.rules.internal;

import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.RequestFacts;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** At least one of the alternatives ({@code any: [...]}) must hold; explain lists why each one failed. */
final class AnyCondition extends Condition {
    private final Condition[] alternatives;

    AnyCondition(List<Condition> alternatives) {
        this.alternatives = alternatives.toArray(new Condition[0]);
    }

    @Override
    boolean test(RequestFacts facts) {
        for (Condition alternative : alternatives) {
            if (alternative.test(facts)) {
                return true;
            }
        }
        return false;
    }

    @Override
    void loopFactCuts(LoopFactCuts.Collector cuts) {
        for (Condition part : alternatives) {
            part.loopFactCuts(cuts);
        }
    }

    @Override
    String whyNot(RequestFacts facts) {
        if (test(facts)) {
            return null;
        }
        return "any: none matched (" + Arrays.stream(alternatives)
                .map(a -> a.whyNot(facts))
                .collect(Collectors.joining("; ")) + ")";
    }

    @Override
    String describe() {
        return "any [" + Arrays.stream(alternatives).map(Condition::describe).collect(Collectors.joining("; ")) + "]";
    }

    @Override
    int cost() {
        return 5 + alternatives.length;
    }
}
