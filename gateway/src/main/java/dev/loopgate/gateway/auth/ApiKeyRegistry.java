package dev.loopgate.gateway.auth;

import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Finds the key a caller presented. Only SHA-256 hashes are held; the presented key is
 * hashed and compared with every stored hash in constant time, without stopping at the
 * first match, so timing reveals neither which key matched nor how much of one did. The
 * keys are replaced as a whole when the config is reloaded.
 */
public final class ApiKeyRegistry {
    private static final String BEARER = "Bearer ";
    private static final String API_KEY = "x-api-key";

    private volatile Table table;

    /** The keys and their hashes, read together. */
    private record Table(KeyConfig[] keys, byte[][] hashes) {
        static Table of(List<KeyConfig> keys) {
            KeyConfig[] all = keys.toArray(KeyConfig[]::new);
            byte[][] hashes = new byte[all.length][];
            for (int i = 0; i < all.length; i++) {
                hashes[i] = all[i].sha256();
            }
            return new Table(all, hashes);
        }
    }

    public ApiKeyRegistry(List<KeyConfig> keys) {
        this.table = Table.of(keys);
    }

    /** From the next call on, these keys are the ones that exist. */
    public void replace(List<KeyConfig> keys) {
        this.table = Table.of(keys);
    }

    /** The key behind an {@code Authorization} header value, if it is a known bearer key. */
    public Optional<KeyConfig> fromAuthorization(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        return find(authorization.substring(BEARER.length()).trim());
    }

    /**
     * The key a call presents: {@code Authorization: Bearer} (OpenAI's SDKs, Anthropic's auth
     * token), else {@code x-api-key} (Anthropic's SDKs and API key).
     */
    public Optional<KeyConfig> fromHeaders(MultiMap headers) {
        String authorization = headers.get(HttpHeaders.AUTHORIZATION);
        if (authorization != null && !authorization.isBlank()) {
            return fromAuthorization(authorization);
        }
        String apiKey = headers.get(API_KEY);
        return apiKey == null || apiKey.isBlank() ? Optional.empty() : find(apiKey.trim());
    }

    /**
     * The key of a call to a model endpoint, refused as the API does: no key, an unknown key,
     * or a key whose role may not call models.
     *
     * @param howToSend how the caller's dialect sends a key, for the message when none came
     */
    public KeyConfig modelCaller(MultiMap headers, String howToSend) {
        if (!presentsKey(headers)) {
            throw new GatewayException(ErrorCode.INVALID_API_KEY, "No API key provided. Send your loop key as "
                    + howToSend + ".");
        }
        KeyConfig key = fromHeaders(headers).orElseThrow(() -> new GatewayException(ErrorCode.INVALID_API_KEY,
                "Incorrect API key provided."));
        if (!key.role().callsModels()) {
            throw new GatewayException(ErrorCode.FORBIDDEN,
                    "Key '" + key.name() + "' has role finance, which may read reports but not call models.");
        }
        return key;
    }

    /** Whether the call presents a key at all, in either header. */
    public static boolean presentsKey(MultiMap headers) {
        String authorization = headers.get(HttpHeaders.AUTHORIZATION);
        String apiKey = headers.get(API_KEY);
        return authorization != null && !authorization.isBlank() || apiKey != null && !apiKey.isBlank();
    }

    public Optional<KeyConfig> find(String presentedKey) {
        byte[] presented = sha256(presentedKey);
        Table now = table;
        KeyConfig found = null;
        for (int i = 0; i < now.hashes().length; i++) {
            if (MessageDigest.isEqual(now.hashes()[i], presented)) {
                found = now.keys()[i];
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
