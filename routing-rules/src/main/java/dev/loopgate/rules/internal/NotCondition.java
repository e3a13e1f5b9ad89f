package dev.loopgate.rules.internal;

import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.RequestFacts;

/** Holds when its inner condition does not ({@code not: {...}}). */
final class NotCondition extends Condition {
    private final Condition inner;

    NotCondition(Condition inner) {
        this.inner = inner;
    }

    @Override
    boolean test(RequestFacts facts) {
        return !inner.test(facts);
    }

    @Override
    void loopFactCuts(LoopFactCuts.Collector cuts) {
        inner.loopFactCuts(cuts);
    }

    @Override
    String whyNot(RequestFacts facts) {
        return inner.test(facts) ? "not: " + inner.describe() + " holds" : null;
    }

    @Override
    String describe() {
        return "not " + inner.describe();
    }

    @Override
    int cost() {
        return 1 + inner.cost();
    }
}
