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

    /** By value, so a reload can tell an unchanged provider from a changed one. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
