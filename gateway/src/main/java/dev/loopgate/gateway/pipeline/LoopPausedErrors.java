package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.budgets.runs.RunTrip;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import java.time.Instant;
import java.util.Locale;

/** The 403 a paused loop or run gets: which breaker paused it, why and when, and that a human must resume it. */
final class LoopPausedErrors {
    private LoopPausedErrors() {
    }

    static GatewayException of(Trip trip) {
        return new GatewayException(ErrorCode.LOOP_PAUSED, "Loop '" + trip.loopId() + "' is paused by the "
                + trip.breaker().name().toLowerCase(Locale.ROOT) + " breaker since "
                + Instant.ofEpochMilli(trip.atMillis()) + ": " + trip.reason()
                + ". An admin must resume it (POST /admin/loops/" + trip.loopId() + "/resume).");
    }

    static GatewayException of(RunTrip trip) {
        return new GatewayException(ErrorCode.RUN_PAUSED, "Run '" + trip.runId() + "' of loop '" + trip.loopId()
                + "' is paused by the " + trip.breaker().name().toLowerCase(Locale.ROOT) + " breaker since "
                + Instant.ofEpochMilli(trip.atMillis()) + ": " + trip.reason() + ". The loop's other runs go on; an admin"
                + " must resume this one (POST /admin/loops/" + trip.loopId() + "/runs/" + trip.runId() + "/resume).");
    }
}
