package dev.loopgate.budgets.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.TestRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisLinkTest {
    @Test
    void callsRefusedAfterRedisReturns_reconnectsNeverWaitLongerThanTheCapHoweverLongTheOutage() {
        RedisLink link = RedisLink.create(RedisEndpoint.single(TestRedis.URL));
        try {
            for (long attempt : new long[] {1, 5, 10, 20, 40, 1000}) {
                Duration delay = link.reconnectDelay(attempt);
                assertTrue(delay.compareTo(RedisLink.MAX_RECONNECT_DELAY) <= 0, "attempt " + attempt + ": " + delay);
            }
        } finally {
            link.shutdown().join();
        }
    }

    @Test
    void aSingleNodeDownRefusesAtOnceWithWhereAndWhy() {
        RedisLink link = RedisLink.create(RedisEndpoint.single("redis://127.0.0.1:1"));
        try {
            Throwable failure = Await.failure(link.connect());
            String message = link.unusable("budget ledger", failure).getMessage();
            assertTrue(message.startsWith("budget ledger: cannot use Redis at 127.0.0.1:1: "), message);
        } finally {
            link.shutdown().join();
        }
    }

    @Test
    void stoppingWithRedisDown_shutdownEndsWhileItsConnectionKeepsFailing() throws Exception {
        RedisLink link = RedisLink.create(RedisEndpoint.single("redis://127.0.0.1:1"));
        link.connect().handle((connected, refused) -> null).get(20, TimeUnit.SECONDS);
        link.shutdown().get(20, TimeUnit.SECONDS);
    }

    @Test
    void endpointsNeverShowAPasswordAndSayWhatTheyAre() {
        RedisEndpoint single = RedisEndpoint.single("rediss://app:s3cret@redis.internal:6380/0");
        assertEquals("redis.internal:6380", single.where());
        RedisEndpoint cluster = RedisEndpoint.cluster(List.of("redis://10.0.0.1:6379", "redis://10.0.0.2:6379"))
                .withCredentials("app", "s3cret");
        assertEquals("cluster 10.0.0.1:6379,10.0.0.2:6379", cluster.toString());
        RedisEndpoint sentinel = RedisEndpoint.sentinel("main", List.of("redis://10.0.0.5:26379"));
        assertEquals("sentinel master 'main' via 10.0.0.5:26379", sentinel.where());
        assertFalse((single + cluster.toString() + sentinel).contains("s3cret"));
        assertTrue(sentinel.uri().getSentinels().size() == 1 && "main".equals(sentinel.uri().getSentinelMasterId()));
    }

    @Test
    void malformedEndpointsAreRefusedWhenMade() {
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.cluster(List.of()));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.sentinel(" ", List.of("redis://h:26379")));
        assertThrows(IllegalArgumentException.class, () -> RedisEndpoint.single("http://not-redis"));
    }
}
