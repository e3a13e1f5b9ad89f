package dev.loopgate.rules;

import java.util.List;

/** Rules that cannot be used, with every problem found, each prefixed by its path ({@code rules[3].when.step: ...}). */
public final class RulesException extends RuntimeException {
    private final List<String> problems;

    public RulesException(List<String> problems) {
        super(problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + " in the rules:\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
