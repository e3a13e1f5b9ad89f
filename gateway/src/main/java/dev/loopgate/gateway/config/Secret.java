package dev.loopgate.gateway.config;

import java.util.Objects;

/** A credential that never prints itself: logs, errors and admin output see {@code ***}. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
