package dev.loopgate.rules.internal;

import dev.loopgate.rules.LoopFactCuts;
import dev.loopgate.rules.RequestFacts;

/**
 * A numeric fact compared with a constant ({@code <}, {@code <=}, {@code >}, {@code >=},
 * {@code ==}) or tested against an inclusive range, which for the hour may wrap past midnight.
 * An absent fact satisfies no comparison.
 */
final class NumericCondition extends Condition {
    enum Op {
        LT("<"), LE("<="), GT(">"), GE(">="), EQ("=="), RANGE("in"), WRAPPING_RANGE("in");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }
    }

    private final NumericFact fact;
    private final Op op;
    private final double low;
    private final double high;
    private final String text;

    /** {@code high} is used by the ranges only. */
    NumericCondition(NumericFact fact, Op op, double low, double high) {
        this.fact = fact;
        this.op = op;
        this.low = low;
        this.high = high;
        this.text = op == Op.RANGE || op == Op.WRAPPING_RANGE
                ? "in " + Numbers.format(low) + ".." + Numbers.format(high)
                : op.symbol + " " + Numbers.format(low);
    }

    @Override
    boolean test(RequestFacts facts) {
        double v = fact.read(facts);
        if (v != v) { // NaN: absent
            return false;
        }
        return switch (op) {
            case LT -> v < low;
            case LE -> v <= low;
            case GT -> v > low;
            case GE -> v >= low;
            case EQ -> v == low;
            case RANGE -> v >= low && v <= high;
            case WRAPPING_RANGE -> v >= low || v <= high;
        };
    }

    @Override
    void loopFactCuts(LoopFactCuts.Collector cuts) {
        if (fact == NumericFact.BUDGET_USED) {
            switch (op) {
                case LT, GE -> cuts.budgetUsed(low, true);
                case LE, GT -> cuts.budgetUsed(low, false);
                case EQ, RANGE -> {
                    cuts.budgetUsed(low, true);
                    cuts.budgetUsed(high, false);
                }
                case WRAPPING_RANGE -> throw new IllegalStateException("budget_used does not wrap");
            }
        } else if (fact == NumericFact.REPEAT_COUNT) {
            // whole operands: v > t is v >= t + 1
            long value = (long) low;
            switch (op) {
                case LT, GE -> cuts.repeatCount(value);
                case LE, GT -> cuts.repeatCount(value + 1);
                case EQ, RANGE -> {
                    cuts.repeatCount(value);
                    cuts.repeatCount((long) high + 1);
                }
                case WRAPPING_RANGE -> throw new IllegalStateException("repeat_count does not wrap");
            }
        }
    }

    @Override
    String whyNot(RequestFacts facts) {
        double v = fact.read(facts);
        if (Double.isNaN(v)) {
            return fact.key + ": " + fact.absent + ", so " + text + " cannot hold";
        }
        return test(facts) ? null : fact.key + ": " + Numbers.format(v) + " is not " + text;
    }

    @Override
    String describe() {
        return fact.key + " " + text;
    }

    @Override
    int cost() {
        return 1;
    }
}
