package dev.loopgate.gateway.audit;

import java.util.Objects;

/**
 * One audit row before it is chained: a call (rejections included) or an admin action.
 * Never a key or an Authorization header; {@code content} (the prompt) only when the
 * operator turned it on. Nullable fields are null when the call never got that far.
 *
 * @param atMillis       when the call ended or the action happened (epoch millis, UTC)
 * @param step           the loop step, or null
 * @param rulesVersion   the routing rules version that decided, or null
 * @param firstByteMs    upstream time to first byte, or null when no upstream answered
 * @param streamEnd      how a stream ended (completed, client_closed, upstream_failed, tool_refused, approval_held), or null
 * @param action         for admin rows: e.g. {@code rules.put}, {@code loop.pause}, {@code loop.resume},
 *                       {@code loop.trip}, {@code loop.budget}; null for calls
 * @param actor          for admin rows: the admin key's name (or {@code loopgate} for a breaker)
 * @param detail         for admin rows: JSON text with the reason, version, limits…
 * @param dialect        for calls: the dialect the caller spoke ({@code openai}, {@code anthropic}); null otherwise
 */
public record AuditEntry(
        Kind kind,
        long atMillis,
        String requestId,
        String keyName,
        String loopId,
        String run,
        Long step,
        String role,
        String requestedModel,
        String rule,
        Long rulesVersion,
        String tier,
        String model,
        String provider,
        int status,
        String errorCode,
        long promptTokens,
        long completionTokens,
        long cachedTokens,
        long costNanos,
        long latencyMs,
        Long firstByteMs,
        boolean stream,
        String streamEnd,
        String idempotencyKey,
        String requestHash,
        String action,
        String actor,
        String detail,
        String content,
        String dialect) {

    public enum Kind {
        CALL,
        ADMIN
    }

    public AuditEntry {
        Objects.requireNonNull(kind, "kind");
    }

    /** An admin action (or a breaker's trip) on a loop or the rules. */
    public static AuditEntry admin(long atMillis, String action, String actor, String loopId, String detail) {
        return new AuditEntry(Kind.ADMIN, atMillis, null, actor, loopId, null, null, null, null, null, null, null,
                null, null, 0, null, 0, 0, 0, 0, 0, null, false, null, null, null, action, actor, detail, null, null);
    }
}
