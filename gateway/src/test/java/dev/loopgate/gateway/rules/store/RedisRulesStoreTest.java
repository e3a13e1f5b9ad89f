package dev.loopgate.gateway.rules.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.TestRedis;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.Context;
import java.time.Clock;
import java.time.Duration;

/** The store contract against a real Redis, each test in a namespace of its own. */
class RedisRulesStoreTest extends RulesStoreContract {
    private final TestRedis redis = where();
    private String namespace;

    /** The Redis this class runs on: the single node; a subclass runs the contract on a Cluster. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @Override
    protected RulesStore newStore(Context context, Clock clock) {
        namespace = TestRedis.freshNamespace();
        return Await.result(RedisRulesStore.connect(context, redis.link(), namespace, clock, Duration.ofSeconds(5)));
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
