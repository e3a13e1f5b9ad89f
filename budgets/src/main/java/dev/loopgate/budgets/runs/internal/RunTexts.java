package dev.loopgate.budgets.runs.internal;

import dev.loopgate.budgets.runs.RunTrip;
import java.util.Locale;

/** What clients and admins are told about runs; the same words from every implementation. */
final class RunTexts {
    private RunTexts() {
    }

    static String paused(RunTrip trip) {
        return "Run '" + trip.runId() + "' of loop '" + trip.loopId() + "' is paused ("
                + trip.breaker().name().toLowerCase(Locale.ROOT) + ": " + trip.reason()
                + "); an admin must resume it. The loop's other runs go on.";
    }

    static String exceeded(String why) {
        return Character.toUpperCase(why.charAt(0)) + why.substring(1)
                + " (lower max_tokens, or ask an admin to raise budgets.runs)";
    }

    static String byAdmin(String reason, String by) {
        return reason + " (" + by + ")";
    }

    static String name(String loopId, String runId) {
        return "run '" + runId + "' of loop '" + loopId + "'";
    }
}
