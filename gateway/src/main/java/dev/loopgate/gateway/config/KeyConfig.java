package dev.loopgate.gateway.config;

import dev.loopgate.gateway.auth.Role;
import dev.loopgate.rules.Glob;
import java.util.List;

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
}
