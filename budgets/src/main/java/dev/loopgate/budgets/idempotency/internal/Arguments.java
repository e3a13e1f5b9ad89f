package dev.loopgate.budgets.idempotency.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks shared by the stores, so both refuse the same things the same way. */
final class Arguments {
    private Arguments() {
    }

    static void checkClaim(String scope, String bodyHash, Duration wait) {
        checkScope(scope);
        if (bodyHash == null || bodyHash.isEmpty() || bodyHash.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("bodyHash must be non-blank without whitespace, was '" + bodyHash + "'");
        }
        if (wait == null || wait.isNegative()) {
            throw new IllegalArgumentException("wait must be zero or more, was " + wait);
        }
    }

    static void checkOwner(String scope, String token) {
        checkScope(scope);
        Objects.requireNonNull(token, "token");
    }

    static void checkTimes(Duration ttl, Duration lease) {
        if (ttl == null || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, was " + ttl);
        }
        if (lease == null || lease.toMillis() < 1) {
            throw new IllegalArgumentException("lease must be at least 1 ms, was " + lease);
        }
    }

    private static void checkScope(String scope) {
        if (scope == null || scope.isEmpty()) {
            throw new IllegalArgumentException("scope must be non-empty");
        }
    }
}
