package dev.loopgate.rules;

import java.util.Objects;

/** A rule refused the call; {@code message} is shown to the caller. */
public record RejectDecision(String rule, String message) implements Decision {
    public RejectDecision {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
    }
}
