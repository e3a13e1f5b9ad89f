package dev.loopgate.budgets.idempotency.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where idempotency lives in Redis. A scope is named by its SHA-256 (hex), so any characters in
 * key names, loop ids or idempotency keys are safe; the hash sits in a Redis Cluster hash tag so
 * a scope's two keys share a slot (one script touches both).
 * <ul>
 *   <li>{@code <ns>:v1:idem:{<scope sha256>}:lock} string {@code "<token> <body hash>"} with the
 *       lease as TTL: the call is running (set with SET NX PX)</li>
 *   <li>{@code <ns>:v1:idem:{<scope sha256>}:answer} string {@code "<body hash>\n"} followed by
 *       the {@link AnswerCodec} bytes, with the answer TTL</li>
 *   <li>{@code <ns>:v1:idem:ended} pub/sub channel: each message is a scope hash whose running
 *       call just completed or was abandoned</li>
 * </ul>
 * The {@code v1} changes with the meaning of any key or value.
 */
final class IdempotencyKeys {
    private final String prefix;

    /** One scope's keys. */
    record Slot(String hash, String lock, String answer) {
        /** The scripts' KEYS, in their order. */
        String[] scriptKeys() {
            return new String[] {answer, lock};
        }
    }

    private IdempotencyKeys(String prefix) {
        this.prefix = prefix;
    }

    static IdempotencyKeys of(String namespace) {
        if (namespace == null || namespace.isBlank() || namespace.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("namespace must be non-blank without spaces, was '" + namespace + "'");
        }
        return new IdempotencyKeys(namespace + ":v1:idem:");
    }

    Slot slot(String scope) {
        String hash = sha256Hex(scope);
        String slot = prefix + "{" + hash + "}:";
        return new Slot(hash, slot + "lock", slot + "answer");
    }

    String endedChannel() {
        return prefix + "ended";
    }

    static String sha256Hex(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
