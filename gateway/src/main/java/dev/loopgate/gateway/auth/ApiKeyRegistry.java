package dev.loopgate.gateway.auth;

import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the key a caller presented. Only SHA-256 hashes are held; the presented key is
 * hashed and compared with every stored hash in constant time, without stopping at the
 * first match, so timing reveals neither which key matched nor how much of one did. The
 * keys of gateway.yaml are replaced as a whole when the config is reloaded, those made through
 * the admin API whenever any replica changes one ({@link RuntimeKeys}); a key whose secret has
 * lapsed (expired, or replaced by a rotation past its overlap) is not found.
 */
public final class ApiKeyRegistry {
    private static final String BEARER = "Bearer ";
    private static final String API_KEY = "x-api-key";

    private final Clock clock;
    private volatile List<KeyConfig> fromConfig;
    private volatile List<KeyConfig> fromApi = List.of();
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

    /** The keys of gateway.yaml, on the system clock. */
    public ApiKeyRegistry(List<KeyConfig> keys) {
        this(keys, Clock.systemUTC());
    }

    /** @param clock when secrets lapse */
    public ApiKeyRegistry(List<KeyConfig> keys, Clock clock) {
        this.clock = clock;
        this.fromConfig = List.copyOf(keys);
        this.table = Table.of(fromConfig);
    }

    /** From the next call on, these are gateway.yaml's keys (a reload). */
    public synchronized void replace(List<KeyConfig> keys) {
        fromConfig = List.copyOf(keys);
        rebuild();
    }

    /** From the next call on, these are the keys made through the admin API, one entry per working secret. */
    public synchronized void useRuntimeKeys(List<KeyConfig> keys) {
        fromApi = List.copyOf(keys);
        rebuild();
    }

    /** The keys of gateway.yaml now. */
    public List<KeyConfig> configKeys() {
        return fromConfig;
    }

    private void rebuild() {
        List<KeyConfig> all = new ArrayList<>(fromConfig);
        all.addAll(fromApi);
        table = Table.of(all);
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
        long at = clock.millis();
        KeyConfig found = null;
        for (int i = 0; i < now.hashes().length; i++) {
            if (MessageDigest.isEqual(now.hashes()[i], presented) && now.keys()[i].validAt(at)) {
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
