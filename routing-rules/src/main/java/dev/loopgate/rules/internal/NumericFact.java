package dev.loopgate.rules.internal;

import dev.loopgate.rules.RequestFacts;

/** The numeric facts a comparison may read, with what their operands may be. */
enum NumericFact {
    STEP("step", true, Double.POSITIVE_INFINITY, ">=5", "not sent"),
    PROMPT_TOKENS("prompt_tokens", true, Double.POSITIVE_INFINITY, ">=8000", "not known"),
    MAX_TOKENS("max_tokens", true, Double.POSITIVE_INFINITY, ">=4000", "not set"),
    REPEAT_COUNT("repeat_count", true, Double.POSITIVE_INFINITY, ">=2", "not known"),
    BUDGET_USED("budget_used", false, Double.POSITIVE_INFINITY, ">=0.8", "not known"),
    HOUR("hour", true, 23, "22..6", "not known");

    final String key;
    /** Operands must be whole numbers. */
    final boolean whole;
    /** The largest sensible operand; the smallest is always 0. */
    final double max;
    /** A valid comparison for this fact, shown in error messages. */
    final String example;
    /** What explain says when the fact is {@link RequestFacts#ABSENT}. */
    final String absent;

    NumericFact(String key, boolean whole, double max, String example, String absent) {
        this.key = key;
        this.whole = whole;
        this.max = max;
        this.example = example;
        this.absent = absent;
    }

    /** Only the hour wraps around: {@code 22..6} is the night. */
    boolean wraps() {
        return this == HOUR;
    }

    /** The fact's value, or NaN when it is absent (so no comparison can hold). */
    double read(RequestFacts facts) {
        return switch (this) {
            case STEP -> whole(facts.step());
            case PROMPT_TOKENS -> whole(facts.promptTokens());
            case MAX_TOKENS -> whole(facts.maxTokens());
            case REPEAT_COUNT -> whole(facts.repeatCount());
            case BUDGET_USED -> facts.budgetUsed();
            case HOUR -> whole(facts.utcHour());
        };
    }

    private static double whole(long value) {
        return value == RequestFacts.ABSENT ? Double.NaN : value;
    }
}
