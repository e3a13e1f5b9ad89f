package dev.loopgate.budgets.ratelimit.internal;

import java.nio.charset.StandardCharsets;

/**
 * Where a bucket lives in Redis:
 * {@code <ns>:v2:rl:loop:{<loop id>}:rpm:<limit>}, {@code ...:tpm:<limit>}, and the same with
 * {@code key:{<key name>}}. The {@code v2} changes with the meaning or encoding of the value
 * (v2: the {@code tokens:at} string {@code buckets_v1.lua} keeps; v1 was Bucket4j's serialized
 * state), so a rolling deploy never reads one key two ways. The limit is
 * part of the key, so an edited limit starts a bucket of its own. The braces are a Redis
 * Cluster hash tag: one loop's (or key's) buckets share a slot. In the id, every character
 * outside {@code [A-Za-z0-9._-]} is written as {@code %XX} (UTF-8 bytes), so ids cannot break the
 * hash tag or collide with each other.
 */
public final class RateLimitKeys {
    private final String prefix;

    private RateLimitKeys(String prefix) {
        this.prefix = prefix;
    }

    public static RateLimitKeys of(String namespace) {
        if (namespace == null || namespace.isBlank() || namespace.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("namespace must be non-blank without spaces, was '" + namespace + "'");
        }
        return new RateLimitKeys(namespace + ":v2:rl:");
    }

    public String of(BucketSpec bucket) {
        return prefix + bucket.owner().word + ":{" + encode(bucket.id()) + "}:" + bucket.measure().keyPart + ":"
                + bucket.capacity();
    }

    public byte[] bytes(BucketSpec bucket) {
        return of(bucket).getBytes(StandardCharsets.UTF_8);
    }

    static String encode(String id) {
        StringBuilder out = new StringBuilder(id.length());
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == '-') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
