package dev.loopgate.budgets.responses;

import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Makes {@link ResponseStore}s: in memory for one process, or shared by every replica through Redis. */
public final class ResponseStores {
    /** How long a response can be continued, as OpenAI keeps them. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(30);
    /** How many responses one process keeps in memory at most; the oldest go first. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;

    private ResponseStores() {
    }

    /** In memory, bounded to {@code maxEntries} (oldest first out), each kept {@code ttl} by {@code clock}. */
    public static ResponseStore inMemory(Clock clock, Duration ttl, int maxEntries) {
        return new InMemory(clock, ttl, maxEntries);
    }

    /**
     * In Redis under {@code <namespace>:v1:resp:{<id>}}, each key expiring after {@code ttl}, on a
     * connection of its own from {@code link} (closed by {@link ResponseStore#close()}), made in the
     * background: ready at once, its calls failing with the reason while Redis cannot be reached.
     */
    public static CompletionStage<ResponseStore> redis(RedisLink link, String namespace, Duration ttl) {
        return CompletableFuture.completedFuture(new InRedis(new Reconnecting<>(() -> link.connect()
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(link.unusable("responses", failure)))),
                namespace, ttl));
    }

    private static final class InMemory implements ResponseStore {
        private record Kept(StoredResponse response, long expiresAtMillis) {
        }

        private final Clock clock;
        private final long ttlMillis;
        private final Map<String, Kept> kept;

        InMemory(Clock clock, Duration ttl, int maxEntries) {
            this.clock = clock;
            this.ttlMillis = ttl.toMillis();
            this.kept = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
                    return size() > maxEntries;
                }
            };
        }

        @Override
        public synchronized CompletionStage<Void> put(String id, StoredResponse response) {
            kept.put(id, new Kept(response, clock.millis() + ttlMillis));
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized CompletionStage<Optional<StoredResponse>> get(String id) {
            Kept found = kept.get(id);
            if (found != null && found.expiresAtMillis() <= clock.millis()) {
                kept.remove(id);
                found = null;
            }
            return CompletableFuture.completedFuture(Optional.ofNullable(found).map(Kept::response));
        }

        @Override
        public synchronized CompletionStage<Boolean> delete(String id) {
            Kept removed = kept.remove(id);
            return CompletableFuture.completedFuture(removed != null && removed.expiresAtMillis() > clock.millis());
        }

        @Override
        public void close() {
        }
    }

    /** One hash per response, so each part is read back as written, written with its expiry at once. */
    private static final class InRedis implements ResponseStore {
        private static final LuaScript PUT = LuaScript.load(ResponseStores.class, "put_v1.lua");

        private final Reconnecting<RedisConnection<String, String>> connection;
        private final String namespace;
        private final long ttlMillis;

        InRedis(Reconnecting<RedisConnection<String, String>> connection, String namespace, Duration ttl) {
            this.connection = connection;
            this.namespace = namespace;
            this.ttlMillis = ttl.toMillis();
        }

        private String key(String id) {
            return namespace + ":v1:resp:{" + id + "}";
        }

        @Override
        public CompletionStage<Void> put(String id, StoredResponse response) {
            return connection.get().thenCompose(open -> PUT.<Object, String, String>run(open.commands(),
                    ScriptOutputType.STATUS, new String[] {key(id)}, Long.toString(ttlMillis), response.owner(),
                    response.loopId(), response.conversation(), response.response(),
                    response.run() == null ? "" : response.run())).thenApply(done -> null);
        }

        @Override
        public CompletionStage<Optional<StoredResponse>> get(String id) {
            return connection.get().thenCompose(open -> open.commands().hgetall(key(id))).thenApply(fields -> fields.isEmpty() ? Optional.empty()
                    : Optional.of(new StoredResponse(fields.get("owner"), fields.get("loop"), fields.get("conversation"),
                            fields.get("response"), fields.get("run"))));
        }

        @Override
        public CompletionStage<Boolean> delete(String id) {
            return connection.get().thenCompose(open -> open.commands().del(key(id))).thenApply(removed -> removed > 0);
        }

        @Override
        public void close() {
            connection.close().thenAccept(RedisConnection::closeAsync);
        }
    }
}
