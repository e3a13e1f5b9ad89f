package dev.loopgate.gateway.pipeline;

import java.util.Objects;

/**
 * Which loop a call belongs to and where in it: {@code run} (one run of the loop),
 * {@code step} (its iteration, -1 when not sent) and {@code role} (maker, checker…),
 * each absent when the caller did not send it.
 */
public record LoopIdentity(String loopId, String run, long step, String role) {
    public static final long NO_STEP = -1;

    public LoopIdentity {
        Objects.requireNonNull(loopId, "loopId");
    }
}
