package dev.loopgate.gateway.auth;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditLog;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys made, revoked and rotated while the gateway runs ({@code /admin/keys}). Their secrets
 * are shown once, when made or rotated, and kept only as SHA-256 hashes in the {@link KeyStore};
 * every replica's {@link ApiKeyRegistry} is brought up to date whenever any replica changes a
 * key. Keys of gateway.yaml sit beside them and cannot be changed here. Every action is an audit row.
 */
public final class RuntimeKeys {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SECRET_PREFIX = "lg-";

    private final KeyStore store;
    private final ApiKeyRegistry registry;
    private final AuditLog audit;
    private final Clock clock;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    /** A key as made or rotated: the stored form and the secret, which is not kept anywhere. */
    public record Issued(RuntimeKey key, String secret) {
    }

    /** What an admin asks for; {@code expiresAtMillis} 0 for never. */
    public record Request(String name, Role role, List<String> loops, String run, RuntimeKey.Caps caps,
            long expiresAtMillis) {
    }

    public RuntimeKeys(KeyStore store, ApiKeyRegistry registry, AuditLog audit, Clock clock) {
        this.store = store;
        this.registry = registry;
        this.audit = audit;
        this.clock = clock;
        store.onChange(this::refresh);
    }

    /** Reads every stored key into the registry; completes once it has (the first read at start). */
    public CompletionStage<Void> load() {
        return store.all().thenAccept(this::use);
    }

    public CompletionStage<Issued> create(Request request, String by) {
        if (registry.configKeys().stream().anyMatch(key -> key.name().equals(request.name()))) {
            return CompletableFuture.failedFuture(taken(request.name()));
        }
        long now = clock.millis();
        String secret = newSecret();
        RuntimeKey key = new RuntimeKey("key_" + HexFormat.of().formatHex(randomBytes(8)), request.name(),
                request.role(), request.loops(), request.run(), request.caps(), request.expiresAtMillis(),
                List.of(new RuntimeKey.Secret(sha256Hex(secret), 0)), now, by);
        return store.create(key)
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                        unwrap(failure) instanceof KeyStore.KeyNameTakenException ? taken(request.name()) : failure))
                .thenCompose(created -> load())
                .thenApply(loaded -> {
                    audited("key.create", by, key, null);
                    return new Issued(key, secret);
                });
    }

    /** Every key: gateway.yaml's first, then those made here, oldest first. */
    public CompletionStage<List<RuntimeKey>> list() {
        return store.all().thenApply(keys -> {
            List<RuntimeKey> sorted = new ArrayList<>(keys);
            sorted.sort((a, b) -> Long.compare(a.createdAtMillis(), b.createdAtMillis()));
            return sorted;
        });
    }

    public CompletionStage<Void> revoke(String id, String by) {
        if (id.startsWith(KeyConfig.CONFIG_ID_PREFIX)) {
            return CompletableFuture.failedFuture(configKey(id));
        }
        return find(id).thenCompose(key -> store.remove(id).thenCompose(removed -> load()).thenAccept(loaded ->
                audited("key.revoke", by, key, null)));
    }

    /**
     * A new secret for the key; the ones it had keep working for {@code overlap} (so callers can
     * switch without a failed call), then stop.
     */
    public CompletionStage<Issued> rotate(String id, Duration overlap, String by) {
        if (id.startsWith(KeyConfig.CONFIG_ID_PREFIX)) {
            return CompletableFuture.failedFuture(configKey(id));
        }
        long now = clock.millis();
        long oldUntil = now + overlap.toMillis();
        String secret = newSecret();
        return find(id).thenCompose(key -> {
            List<RuntimeKey.Secret> secrets = new ArrayList<>();
            for (RuntimeKey.Secret old : key.secrets()) {
                long until = old.validUntilMillis() == 0 ? oldUntil : Math.min(old.validUntilMillis(), oldUntil);
                if (until > now) {
                    secrets.add(new RuntimeKey.Secret(old.sha256(), until));
                }
            }
            secrets.add(new RuntimeKey.Secret(sha256Hex(secret), 0));
            RuntimeKey rotated = key.withSecrets(secrets);
            return store.replace(rotated).thenCompose(replaced -> replaced ? load()
                    : CompletableFuture.failedFuture(notFound(id))).thenApply(loaded -> {
                        audited("key.rotate", by, rotated, overlap);
                        return new Issued(rotated, secret);
                    });
        });
    }

    public void close() {
        store.close();
    }

    private CompletionStage<RuntimeKey> find(String id) {
        return store.all().thenCompose(keys -> keys.stream().filter(key -> key.id().equals(id)).findFirst()
                .map(CompletableFuture::completedFuture)
                .orElseGet(() -> CompletableFuture.failedFuture(notFound(id))));
    }

    /** A change somewhere: read the keys again; changes that arrive meanwhile cause one more read. */
    private void refresh() {
        if (!refreshing.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        store.all().whenComplete((keys, failure) -> {
            if (failure == null) {
                use(keys);
            } else {
                LOG.warn("could not read the keys after a change: {}", failure.getMessage());
            }
            refreshing.set(false);
            if (again.get()) {
                refresh();
            }
        });
    }

    private void use(List<RuntimeKey> keys) {
        long now = clock.millis();
        List<KeyConfig> working = new ArrayList<>();
        keys.forEach(key -> working.addAll(key.working(now)));
        registry.useRuntimeKeys(working);
    }

    private void audited(String action, String by, RuntimeKey key, Duration overlap) {
        var detail = Json.MAPPER.createObjectNode().put("id", key.id()).put("name", key.name())
                .put("role", key.role().wireName());
        key.loops().forEach(detail.putArray("loops")::add);
        if (key.run() != null) {
            detail.put("run", key.run());
        }
        if (overlap != null) {
            detail.put("overlap_ms", overlap.toMillis());
        }
        audit.append(AuditEntry.admin(clock.millis(), action, by, null, detail.toString()));
    }

    private static String newSecret() {
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(24));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static String sha256Hex(String secret) {
        return HexFormat.of().formatHex(ApiKeyRegistry.sha256(secret));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
    }

    private static GatewayException taken(String name) {
        return new GatewayException(ErrorCode.INVALID_REQUEST, "A key named '" + name + "' exists; names are unique.",
                "name", List.of());
    }

    private static GatewayException notFound(String id) {
        return new GatewayException(ErrorCode.NOT_FOUND, "There is no key '" + id + "'.");
    }

    private static GatewayException configKey(String id) {
        return new GatewayException(ErrorCode.FORBIDDEN, "Key '" + id.substring(KeyConfig.CONFIG_ID_PREFIX.length())
                + "' is in gateway.yaml: change it there and reload; the API changes only keys it made.");
    }
}
