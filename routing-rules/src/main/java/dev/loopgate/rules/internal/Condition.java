package dev.loopgate.rules.internal;

import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.RequestFacts;

/**
 * One compiled test on a call's facts. {@link #test} is the hot path and allocates nothing;
 * {@link #whyNot} and {@link #describe} serve explain traces and may allocate. An abstract
 * class rather than an interface: the call sites are megamorphic, and a virtual call is
 * cheaper there than an interface call.
 */
abstract class Condition {
    /** Matches every call: a rule without {@code when}. */
    static final Condition ALWAYS = new Condition() {
        @Override
        boolean test(RequestFacts facts) {
            return true;
        }

        @Override
        String whyNot(RequestFacts facts) {
            return null;
        }

        @Override
        String describe() {
            return "always";
        }

        @Override
        int cost() {
            return 0;
        }
    };

    abstract boolean test(RequestFacts facts);

    /** Adds where this condition's truth can change with the loop's facts; most conditions read none. */
    void loopFactCuts(LoopFactCuts.Collector cuts) {
    }

    /** Null when the condition holds, otherwise why not, e.g. {@code role: 'maker' is not 'checker'}. */
    abstract String whyNot(RequestFacts facts);

    /** The condition as written, compactly, e.g. {@code role 'checker'} or {@code step >= 5}. */
    abstract String describe();

    /**
     * A rough relative cost of {@link #test}, so {@link AllCondition} can try cheap tests first:
     * 0 a flag, 1 a number, 2 a literal text, 3 a glob, 4 a header or metadata lookup, 5 and up combinators.
     */
    abstract int cost();
}
