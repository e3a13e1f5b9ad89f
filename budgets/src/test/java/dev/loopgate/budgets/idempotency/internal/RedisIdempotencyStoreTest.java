package dev.loopgate.budgets.idempotency.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.idempotency.IdempotencyClaim;
import dev.loopgate.budgets.idempotency.IdempotencyStore;
import dev.loopgate.budgets.idempotency.IdempotencyStoreContract;
import dev.loopgate.budgets.idempotency.IdempotencyStores;
import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.FakeClock;
import dev.loopgate.budgets.testkit.LocalRedisServer;
import dev.loopgate.budgets.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The contract against a real Redis, each test in a namespace of its own; and what only sharing adds. */
class RedisIdempotencyStoreTest extends IdempotencyStoreContract {
    private final TestRedis redis = where();
    private String namespace;

    /** The Redis this class runs on: the single node; subclasses run the same tests on a Cluster or through Sentinel. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @Override
    protected IdempotencyStore newStore(FakeClock clock, Duration ttl, Duration lease) {
        if (namespace == null) {
            namespace = TestRedis.freshNamespace();
        }
        return Await.result(IdempotencyStores.redis(redis.link(), namespace, ttl, lease));
    }

    /** Redis expires keys by its own clock: wait until every key of the namespace that short-lived is gone. */
    @Override
    protected void letPass(Duration duration) {
        Await.until("keys living at most " + duration + " expire", () -> redis.keys(namespace).stream()
                .noneMatch(key -> redis.commands().pttl(key) <= duration.toMillis()));
    }

    @Override
    protected int waiting(IdempotencyStore store) {
        return ((RedisIdempotencyStore) store).waiting();
    }

    @Override
    protected void afterStoresClosed() {
        redis.deleteNamespace(namespace);
        namespace = null;
    }

    @Test
    void keysAreNamespacedVersionedAndNamedByTheScopeHash() {
        String slot = namespace + ":v1:idem:{" + IdempotencyKeys.sha256Hex(SCOPE) + "}:";
        String token = own(SCOPE, BODY);
        assertEquals(List.of(slot + "lock"), redis.keys(namespace));
        long leaseLeft = redis.commands().pttl(slot + "lock");
        assertTrue(leaseLeft > 0 && leaseLeft <= LEASE.toMillis(), "lock expires in " + leaseLeft + " ms");

        Await.result(store.complete(SCOPE, token, answer("kept")));
        assertEquals(List.of(slot + "answer"), redis.keys(namespace));
        long ttlLeft = redis.commands().pttl(slot + "answer");
        assertTrue(ttlLeft > TTL.minusMinutes(1).toMillis() && ttlLeft <= TTL.toMillis(), "answer expires in " + ttlLeft);
    }

    @Test
    void aClaimOnOneReplicaWaitsForTheOwnerOnAnother() {
        RedisLink otherLink = redis.newLink();
        IdempotencyStore otherReplica = Await.result(IdempotencyStores.redis(otherLink, namespace, TTL, LEASE));
        try {
            String token = own(SCOPE, BODY);
            CompletableFuture<IdempotencyClaim> duplicate =
                    otherReplica.claim(SCOPE, BODY, LONG_WAIT).toCompletableFuture();
            Await.until("the duplicate waits", () -> waiting(otherReplica) == 1);
            assertInstanceOf(IdempotencyClaim.Conflict.class,
                    Await.result(otherReplica.claim(SCOPE, OTHER_BODY, Duration.ZERO)));

            Await.result(store.complete(SCOPE, token, answer("from the first replica")));
            assertEquals("from the first replica", text(replay(Await.result(duplicate))));
        } finally {
            otherReplica.close();
            otherLink.shutdown();
        }
    }

    /** With polling slower than the wait, only the "ended" message can wake the waiting claim. */
    @Test
    void aWaitingClaimIsWokenByTheEndedMessage() {
        IdempotencyStore neverPolls = Await.result(RedisIdempotencyStore.connect(redis.link(),
                namespace, TTL, LEASE, Duration.ofMinutes(5), Duration.ofMinutes(5)));
        try {
            String token = own(SCOPE, BODY);
            CompletableFuture<IdempotencyClaim> duplicate =
                    neverPolls.claim(SCOPE, BODY, LONG_WAIT).toCompletableFuture();
            Await.until("the duplicate waits", () -> waiting(neverPolls) == 1);
            Await.result(store.complete(SCOPE, token, answer("by message")));
            assertEquals("by message", text(replay(Await.result(duplicate))));
        } finally {
            neverPolls.close();
        }
    }

    @Test
    void aWaitingClaimNoticesALapsedLeaseWithoutAMessage() {
        IdempotencyStore shortLease = store(TTL, SHORT);
        own(shortLease, SCOPE, BODY); // its owner "crashes": no complete, no abandon, no message
        IdempotencyClaim next = Await.result(shortLease.claim(SCOPE, BODY, LONG_WAIT));
        assertInstanceOf(IdempotencyClaim.First.class, next, "polling finds the lapsed lease");
    }

    @Test
    void aScriptRedisDoesNotKnowIsSentWhole() {
        String unique = "-- " + UUID.randomUUID() + "\nreturn ARGV[1]";
        LuaScript script = LuaScript.of("test.lua", unique);
        RedisConnection<String, byte[]> connection =
                Await.result(redis.link().connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)));
        try {
            byte[] reply = Await.result(script.<byte[], String, byte[]>run(connection.commands(), ScriptOutputType.VALUE,
                    new String[0], "echo".getBytes(StandardCharsets.UTF_8)));
            assertEquals("echo", new String(reply, StandardCharsets.UTF_8));
        } finally {
            connection.closeAsync();
        }
    }

    @Test
    void anUnreachableRedisFailsWithTheReasonAndAStoreMadeMeanwhileJoinsWhenItIsUp() {
        try (LocalRedisServer later = new LocalRedisServer()) {
            RedisLink link = RedisLink.create(RedisEndpoint.single(later.url()));
            IdempotencyStore waiting = Await.result(IdempotencyStores.redis(link, "lgtest", TTL, LEASE));
            try {
                Throwable failure = Await.failure(waiting.claim(SCOPE, BODY, Duration.ZERO));
                assertTrue(failure.getMessage().contains("idempotency: cannot use Redis at 127.0.0.1:"), failure.getMessage());
                later.start();
                Await.until("the store joins Redis once it is up", () -> waiting.claim(SCOPE, BODY, Duration.ZERO)
                        .toCompletableFuture().handle((claim, error) -> error == null).join());
            } finally {
                waiting.close();
                link.shutdown();
            }
        }
    }
}
