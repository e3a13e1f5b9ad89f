package dev.loopgate.budgets.responses;

import static dev.loopgate.budgets.testkit.Await.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.FakeClock;
import dev.loopgate.budgets.testkit.TestRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Both stores keep, replace, expire and forget responses alike; the Redis one on the real Redis. */
class ResponseStoreTest {
    private static final StoredResponse FIRST = new StoredResponse("build-bot", "loop-1",
            "[{\"role\":\"user\",\"content\":\"hi\"}]", "{\"id\":\"resp_1\",\"output\":[\"é ✓\"]}", "run-7");
    private final TestRedis redis = where();

    /** The Redis this class runs on: the single node; subclasses run the same tests on a Cluster or through Sentinel. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @Test
    void inMemoryKeepsReplacesForgetsAndExpiresByItsClock() {
        FakeClock clock = new FakeClock(Instant.parse("2026-12-01T00:00:00Z"));
        ResponseStore store = ResponseStores.inMemory(clock, Duration.ofMinutes(5), 2);
        keepsReplacesAndForgets(store);
        result(store.put("b", FIRST));
        clock.advance(Duration.ofMinutes(5));
        assertEquals(Optional.empty(), result(store.get("b")), "gone once its time to live is over");
        result(store.put("c", FIRST));
        result(store.put("d", FIRST));
        result(store.put("e", FIRST));
        assertEquals(Optional.empty(), result(store.get("c")), "the oldest goes first past the bound");
        assertTrue(result(store.get("e")).isPresent());
    }

    @Test
    void redisKeepsReplacesForgetsAndSetsTheTimeToLiveInTheSameStep() {
        String namespace = TestRedis.freshNamespace();
        ResponseStore store = result(ResponseStores.redis(redis.link(), namespace, Duration.ofMinutes(5)));
        try {
            keepsReplacesAndForgets(store);
            result(store.put("b", FIRST));
            long ttl = redis.commands().pttl(namespace + ":v1:resp:{b}");
            assertTrue(ttl > 0 && ttl <= Duration.ofMinutes(5).toMillis(), "ttl " + ttl);
        } finally {
            store.close();
            redis.deleteNamespace(namespace);
        }
    }

    private static void keepsReplacesAndForgets(ResponseStore store) {
        assertEquals(Optional.empty(), result(store.get("a")));
        result(store.put("a", FIRST));
        assertEquals(Optional.of(FIRST), result(store.get("a")));
        StoredResponse second = new StoredResponse("build-bot", "loop-1", "[]", "{\"id\":\"resp_2\"}", null);
        result(store.put("a", second));
        assertEquals(Optional.of(second), result(store.get("a")));
        assertTrue(result(store.delete("a")));
        assertFalse(result(store.delete("a")));
        assertEquals(Optional.empty(), result(store.get("a")));
    }
}
