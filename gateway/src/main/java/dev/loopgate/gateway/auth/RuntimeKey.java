package dev.loopgate.gateway.auth;

import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.rules.Glob;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A key made through the admin API, as every replica stores it: never its secret, only the
 * SHA-256 of each secret that may still work (two during a rotation's overlap).
 *
 * @param loops           loop globs it may act for (empty: any)
 * @param run             the one run it may act for, or null
 * @param caps            its own daily cap and rate limits, or null for {@code budgets.keys} by name
 * @param expiresAtMillis when the whole key stops working, 0 for never
 */
public record RuntimeKey(String id, String name, Role role, List<String> loops, String run, Caps caps,
        long expiresAtMillis, List<Secret> secrets, long createdAtMillis, String createdBy) {

    /** A key's own caps: USD per UTC day (nano-dollars, 0 none), requests and tokens per minute (0 none). */
    public record Caps(long usdPerDayNanos, long rpm, long tpm) {
        BudgetsConfig.KeyBudget budget() {
            return new BudgetsConfig.KeyBudget(usdPerDayNanos, new RateLimits(rpm, tpm));
        }
    }

    /** One secret's hash (hex) and when it stops working: 0 for as long as the key. */
    public record Secret(String sha256, long validUntilMillis) {
    }

    public RuntimeKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        loops = List.copyOf(loops);
        secrets = List.copyOf(secrets);
    }

    /** The same key with {@code secrets}. */
    public RuntimeKey withSecrets(List<Secret> next) {
        return new RuntimeKey(id, name, role, loops, run, caps, expiresAtMillis, next, createdAtMillis, createdBy);
    }

    public boolean expiredAt(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /** One entry per secret still working at {@code nowMillis}, each lapsing when its secret or the key does. */
    List<KeyConfig> working(long nowMillis) {
        List<KeyConfig> working = new ArrayList<>(secrets.size());
        List<Glob> globs = loops.stream().map(Glob::compile).toList();
        for (Secret secret : secrets) {
            long until = earliest(secret.validUntilMillis(), expiresAtMillis);
            if (until == 0 || nowMillis < until) {
                working.add(new KeyConfig(id, name, role, HexFormat.of().parseHex(secret.sha256()), globs, run,
                        caps == null ? null : caps.budget(), until));
            }
        }
        return working;
    }

    private static long earliest(long a, long b) {
        return a == 0 ? b : b == 0 ? a : Math.min(a, b);
    }
}
