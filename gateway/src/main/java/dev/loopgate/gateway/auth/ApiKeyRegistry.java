package dev.loopgate.gateway.auth;

import dev.loopgate.gateway.config.KeyConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the key a caller presented. Only SHA-256 hashes are held; the presented key is
 * hashed and compared with every stored hash in constant time, without stopping at the
 * first match, so timing reveals neither which key matched nor how much of one did.
 */
public final class ApiKeyRegistry {
    private static final String BEARER = "Bearer ";

    private final KeyConfig[] keys;
    private final byte[][] hashes;

    public ApiKeyRegistry(List<KeyConfig> keys) {
        this.keys = keys.toArray(KeyConfig[]::new);
        this.hashes = new byte[this.keys.length][];
        for (int i = 0; i < this.keys.length; i++) {
            hashes[i] = this.keys[i].sha256();
        }
    }

    /** The key behind an {@code Authorization} header value, if it is a known bearer key. */
    public Optional<KeyConfig> fromAuthorization(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return find(authorization.substring(BEARER.length()).trim());
    }

    public Optional<KeyConfig> find(String presentedKey) {
        byte[] presented = sha256(presentedKey);
        KeyConfig found = null;
        for (int i = 0; i < hashes.length; i++) {
            if (MessageDigest.isEqual(hashes[i], presented)) {
                found = keys[i];
            }
        }
        return Optional.ofNullable(found);
    }

    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
