package dev.loopgate.gateway.config;

import dev.loopgate.gateway.auth.Role;
import dev.loopgate.rules.Glob;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A caller's key: only its SHA-256 is kept. {@code loops} empty means the key may act for any
 * loop. Keys from gateway.yaml have the id {@code config:<name>}, no run, no caps of their own
 * (those come from {@code budgets.keys}) and never lapse; keys made through the admin API may be
 * bound to one run, carry their own caps and lapse at {@code validUntilMillis} (their expiry, or
 * the end of a rotation's overlap for a replaced secret).
 *
 * @param run              the one run the key may act for, or null for any
 * @param caps             the key's own daily cap and rate limits, or null to use {@code budgets.keys}
 * @param validUntilMillis when this secret stops working, or 0 for never
 */
public record KeyConfig(String id, String name, Role role, byte[] sha256, List<Glob> loops, String run,
        BudgetsConfig.KeyBudget caps, long validUntilMillis) {
    public static final String CONFIG_ID_PREFIX = "config:";
    public static final int MAX_NAME_LENGTH = 128;
    public static final String NAME_RULE = "must be 1-" + MAX_NAME_LENGTH + " printable characters without spaces or braces";

    public KeyConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        sha256 = sha256.clone();
        loops = List.copyOf(loops);
        if (sha256.length != 32) {
            throw new IllegalArgumentException("a key hash must be 32 bytes");
        }
    }

    /** A key from gateway.yaml. */
    public KeyConfig(String name, Role role, byte[] sha256, List<Glob> loops) {
        this(CONFIG_ID_PREFIX + name, name, role, sha256, loops, null, null, 0);
    }

    /** Names go into store keys (as a hash tag) and audit rows: printable, no spaces, no braces. */
    public static boolean isValidName(String name) {
        return name != null && !name.isEmpty() && name.length() <= MAX_NAME_LENGTH
                && name.chars().noneMatch(c -> c < 0x21 || c > 0x7e || c == '{' || c == '}');
    }

    public boolean fromConfig() {
        return id.startsWith(CONFIG_ID_PREFIX);
    }

    /** Whether the secret still works at {@code nowMillis}. */
    public boolean validAt(long nowMillis) {
        return validUntilMillis == 0 || nowMillis < validUntilMillis;
    }

    @Override
    public byte[] sha256() {
        return sha256.clone();
    }

    /** By value, hash included (a reload compares the keys it read with those it runs). */
    @Override
    public boolean equals(Object o) {
        return o instanceof KeyConfig other && id.equals(other.id) && name.equals(other.name) && role == other.role
                && Arrays.equals(sha256, other.sha256) && loops.equals(other.loops) && Objects.equals(run, other.run)
                && Objects.equals(caps, other.caps) && validUntilMillis == other.validUntilMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, name, role, Arrays.hashCode(sha256), loops, run, caps, validUntilMillis);
    }

    @Override
    public String toString() {
        return "KeyConfig[id=" + id + ", name=" + name + ", role=" + role + ", loops=" + loops + ", run=" + run + "]";
    }
}
