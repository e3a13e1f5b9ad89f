package dev.loopgate.budgets.approvals;

import java.util.Objects;

/** A tool call a model proposed and a human must approve: the tool and its arguments, as JSON text. */
public record HeldCall(String tool, String arguments) {
    public HeldCall {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(arguments, "arguments");
    }
}
