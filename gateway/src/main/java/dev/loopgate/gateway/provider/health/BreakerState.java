package dev.loopgate.gateway.provider.health;

import java.util.Locale;

/** A target's health breaker: closed lets calls through, open skips the target, half-open lets one probe through. */
public enum BreakerState {
    CLOSED,
    OPEN,
    HALF_OPEN;

    /** {@code closed}, {@code open}, {@code half_open}, as the admin API writes it. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
