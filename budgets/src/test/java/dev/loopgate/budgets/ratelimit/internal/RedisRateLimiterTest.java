package dev.loopgate.budgets.ratelimit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.ratelimit.RateDecision;
import dev.loopgate.budgets.ratelimit.RateLimiter;
import dev.loopgate.budgets.ratelimit.RateLimiterContract;
import dev.loopgate.budgets.ratelimit.RateLimiters;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.FakeClock;
import dev.loopgate.budgets.testkit.LocalRedisServer;
import dev.loopgate.budgets.testkit.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The contract against a real Redis, each test in a namespace of its own; and what only sharing adds. */
class RedisRateLimiterTest extends RateLimiterContract {
    private final TestRedis redis = where();
    private String namespace;

    /** The Redis this class runs on: the single node; subclasses run the same tests on a Cluster or through Sentinel. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @Override
    protected RateLimiter newLimiter(FakeClock clock) {
        namespace = TestRedis.freshNamespace();
        return Await.result(RateLimiters.redis(redis.link(), namespace, clock));
    }

    @Override
    protected void afterLimiterClosed() {
        redis.deleteNamespace(namespace);
    }

    /** The "limits that leak across replicas" bug: each replica must not get a limit of its own. */
    @Test
    void twoReplicasShareOneLimit() {
        RedisLink otherLink = redis.newLink();
        RateLimiter otherReplica = Await.result(RateLimiters.redis(otherLink, namespace, clock));
        try {
            RateLimits tenPerMinute = new RateLimits(10, 0);
            int allowed = 0;
            for (int i = 0; i < 15; i++) {
                for (RateLimiter replica : List.of(limiter, otherReplica)) {
                    if (Await.result(replica.acquire(LOOP, tenPerMinute, KEY, RateLimits.NONE, 1))
                            instanceof RateDecision.Allowed) {
                        allowed++;
                    }
                }
            }
            assertEquals(10, allowed, "two replicas together pass the limit once");

            RateLimits twelveTokens = new RateLimits(0, 12);
            List<CompletionStage<RateDecision>> racing = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                racing.add(limiter.acquire("racing-loop", twelveTokens, KEY, RateLimits.NONE, 1));
                racing.add(otherReplica.acquire("racing-loop", twelveTokens, KEY, RateLimits.NONE, 1));
            }
            assertEquals(12, racing.stream().map(Await::result).filter(RateDecision.Allowed.class::isInstance).count(),
                    "concurrent calls through two replicas pass the limit once");
        } finally {
            otherReplica.close();
            otherLink.shutdown();
        }
    }

    @Test
    void keysAreNamespacedVersionedPerLimitAndExpireWhenFull() {
        assertAllowed(acquire("nightly 7/{x}", new RateLimits(5, 0), KEY, new RateLimits(0, 1000), 10));
        Set<String> keys = new TreeSet<>(redis.keys(namespace));
        assertEquals(Set.of(namespace + ":v2:rl:loop:{nightly%207%2F%7Bx%7D}:rpm:5",
                namespace + ":v2:rl:key:{build-bot}:tpm:1000"), keys);
        for (String key : keys) {
            long ttl = redis.commands().pttl(key);
            assertTrue(ttl > 0 && ttl <= Duration.ofMinutes(1).plus(RedisRateLimiter.KEY_GRACE).toMillis(),
                    key + " expires in " + ttl + " ms");
        }
    }

    @Test
    void anUnreachableRedisFailsWithTheReasonAndALimiterMadeMeanwhileJoinsWhenItIsUp() {
        try (LocalRedisServer later = new LocalRedisServer()) {
            RedisLink link = RedisLink.create(RedisEndpoint.single(later.url()));
            RateLimiter waiting = Await.result(RateLimiters.redis(link, "lgtest", clock));
            try {
                Throwable failure = Await.failure(waiting.acquire(LOOP, new RateLimits(10, 0), KEY, RateLimits.NONE, 1));
                assertTrue(failure.getMessage().contains("rate limits: cannot use Redis at 127.0.0.1:"), failure.getMessage());
                later.start();
                Await.until("the limiter joins Redis once it is up", () -> waiting.acquire(LOOP, new RateLimits(10, 0), KEY,
                        RateLimits.NONE, 1).toCompletableFuture().handle((decision, error) -> error == null).join());
            } finally {
                waiting.close();
                link.shutdown();
            }
        }
    }
}
