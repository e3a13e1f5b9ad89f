package dev.loopgate.gateway.rules.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.Context;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract against a real Redis, each test in a namespace of its own. */
class RedisRulesStoreTest extends RulesStoreContract {
    private TestRedis redis;
    private String namespace;

    @BeforeAll
    void connectToRedis() {
        redis = TestRedis.connect();
    }

    @AfterAll
    void disconnectFromRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Override
    protected RulesStore newStore(Context context, Clock clock) {
        namespace = TestRedis.freshNamespace();
        return Await.result(RedisRulesStore.connect(context, TestRedis.URL, namespace, clock, Duration.ofSeconds(5)));
    }

    @Override
    protected void afterStoreClosed() {
        redis.deleteNamespace(namespace);
    }

    @Override
    protected void awaitNoticesUpTo(RulesStore store, long version) {
        RedisRulesStore redisStore = (RedisRulesStore) store;
        assertTrue(Poll.until(Poll.WAIT, () -> redisStore.lastNoticeHandled() >= version),
                "the change message for version " + version + " never arrived");
    }
}
