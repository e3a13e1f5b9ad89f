package dev.loopgate.gateway.config;

import dev.loopgate.gateway.auth.Role;
import dev.loopgate.rules.Glob;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A caller's key as configured: only its SHA-256 is kept. {@code loops} empty means
 * the key may act for any loop.
 */
public record KeyConfig(String name, Role role, byte[] sha256, List<Glob> loops) {
    public KeyConfig {
        sha256 = sha256.clone();
        loops = List.copyOf(loops);
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a key hash must be 32 bytes");
        }
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** By value, hash included (a reload compares the keys it read with those it runs). */
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyConfig other && name.equals(other.name) && role == other.role
                && Arrays.equals(sha256, other.sha256) && loops.equals(other.loops);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, role, Arrays.hashCode(sha256), loops);
    }

    @Override
    public String toString() {
        return "KeyConfig[name=" + name + ", role=" + role + ", loops=" + loops + "]";
    }
}
