package dev.loopgate.rules.internal;

import dev.loopgate.rules.RequestFacts;

/** A yes/no fact of the request ({@code tools}, {@code images}, {@code json_mode}, {@code stream}) equal to a constant. */
final class FlagCondition extends Condition {
    enum Flag {
        TOOLS("tools"), IMAGES("images"), JSON_MODE("json_mode"), STREAM("stream");

        final String key;

        Flag(String key) {
            this.key = key;
        }
    }

    private final Flag flag;
    private final boolean expected;

    FlagCondition(Flag flag, boolean expected) {
        this.flag = flag;
        this.expected = expected;
    }

    private boolean read(RequestFacts facts) {
        return switch (flag) {
            case TOOLS -> facts.hasTools();
            case IMAGES -> facts.hasImages();
            case JSON_MODE -> facts.jsonMode();
            case STREAM -> facts.stream();
        };
    }

    @Override
    boolean test(RequestFacts facts) {
        return read(facts) == expected;
    }

    @Override
    String whyNot(RequestFacts facts) {
        boolean actual = read(facts);
        return actual == expected ? null : flag.key + ": " + actual + " is not " + expected;
    }

    @Override
    String describe() {
        return flag.key + " " + expected;
    }

    @Override
    int cost() {
        return 0;
    }
}
