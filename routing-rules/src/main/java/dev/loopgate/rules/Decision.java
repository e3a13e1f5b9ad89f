package dev.loopgate.rules;

/** What the rules decided for one call: where it goes, or that it is refused. */
public sealed interface Decision permits RouteDecision, RejectDecision {
    /** The id of the rule that decided, or one of {@code model:*} when no route rule matched. */
    String rule();
}
