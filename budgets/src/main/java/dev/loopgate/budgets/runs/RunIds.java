package dev.loopgate.budgets.runs;

/** A run id is part of a Redis key name, after its loop's hash tag: no braces, no spaces or control characters. */
public final class RunIds {
    public static final int MAX_LENGTH = 256;

    private RunIds() {
    }

    public static String check(String runId) {
        if (runId == null || runId.isEmpty() || runId.length() > MAX_LENGTH || runId.chars().anyMatch(
                c -> c <= ' ' || c == 0x7f || c == '{' || c == '}')) {
            throw new IllegalArgumentException("runId must be 1 to " + MAX_LENGTH
                    + " characters without braces, spaces or control characters, was '" + runId + "'");
        }
        return runId;
    }
}
