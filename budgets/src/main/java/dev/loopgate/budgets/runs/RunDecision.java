package dev.loopgate.budgets.runs;

import java.util.Objects;

/** The outcome of {@link RunLedger#hold}: the run may make the call, or it is refused. */
public sealed interface RunDecision permits RunDecision.Held, RunDecision.Refused {

    /**
     * The worst case is held and the call counted as one of the run's steps.
     *
     * @param stepsBefore      the run's steps since its (re)start, before this one
     * @param lastCallMillis   its previous call since its (re)start, or 0 when this is the first
     * @param startMillis      its (re)start: the caps' wall clock counts from here
     * @param restarted        this call started the run afresh (it was new, or idle for longer than allowed)
     */
    record Held(long stepsBefore, long lastCallMillis, long startMillis, boolean restarted) implements RunDecision {
    }

    /**
     * Nothing is held.
     *
     * @param paused  true when the run is paused ({@code trip} says why, now or earlier); false when
     *                the call's worst case does not fit in what is left of the run's USD or token cap
     * @param trip    what paused it, or null when not paused
     * @param message what a client may be told
     */
    record Refused(boolean paused, RunTrip trip, String message) implements RunDecision {
        public Refused {
            Objects.requireNonNull(message, "message");
        }
    }
}
