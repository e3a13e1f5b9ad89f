package dev.loopgate.gateway.auth;

import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.testkit.Await;
import dev.loopgate.budgets.testkit.TestRedis;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The contract on the real Redis, each test in a namespace of its own; each replica a client of its own. */
class RedisKeyStoreTest extends KeyStoreContract {
    private static Vertx vertx;
    private final TestRedis redis = where();
    private final String namespace = TestRedis.freshNamespace();
    private final List<RedisLink> links = new ArrayList<>();

    /** The single node; a subclass runs the contract on a Cluster. */
    protected TestRedis where() {
        return TestRedis.single();
    }

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() {
        vertx.close();
    }

    @Override
    protected KeyStore newStore() {
        return Await.result(RedisKeyStore.connect(vertx, redis.link(), namespace));
    }

    @Override
    protected KeyStore peer() {
        RedisLink other = redis.newLink();
        links.add(other);
        return Await.result(RedisKeyStore.connect(vertx, other, namespace));
    }

    @AfterEach
    void deleteNamespace() {
        links.forEach(RedisLink::shutdown);
        redis.deleteNamespace(namespace);
    }
}
