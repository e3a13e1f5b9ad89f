package dev.loopgate.budgets.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.budgets.redis.RedisLink;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis the Redis tests run against: the single node at 127.0.0.1:6379 (the tests fail,
 * never skip, without it: CI starts one), or a local Cluster or Sentinel the tests start
 * themselves; a {@link RedisLink} for the code under test and a plain connection to look at
 * it directly.
 */
public final class TestRedis implements AutoCloseable {
    public static final String URL = "redis://127.0.0.1:6379";

    private final RedisLink link;
    private final RedisConnection<String, String> connection;

    private TestRedis(RedisLink link, RedisConnection<String, String> connection) {
        this.link = link;
        this.connection = connection;
    }

    private static final Map<String, TestRedis> SHARED = new ConcurrentHashMap<>();

    /** The single node at {@link #URL}, one connection for the whole test JVM. */
    public static TestRedis single() {
        return SHARED.computeIfAbsent("single", kind -> connect());
    }

    /** The local Cluster of 3 masters and 3 replicas ({@link LocalRedisCluster#shared()}), one connection for the JVM. */
    public static TestRedis cluster() {
        return SHARED.computeIfAbsent("cluster", kind -> on(LocalRedisCluster.shared().endpoint(),
                "cannot connect to the local Redis Cluster"));
    }

    /** The local master found through Sentinel ({@link LocalRedisSentinel#shared()}), one connection for the JVM. */
    public static TestRedis sentinel() {
        return SHARED.computeIfAbsent("sentinel", kind -> on(LocalRedisSentinel.shared().endpoint(),
                "cannot connect through the local Sentinel"));
    }

    /** The single node at {@link #URL} on a link of the caller's own, or fails the calling test with what to do about it. */
    public static TestRedis connect() {
        return on(RedisEndpoint.single(URL), "These tests need a real Redis at " + URL
                + " and cannot reach it. Start one (redis-server, or .ci/run starts it); they do not skip without it.");
    }

    public static TestRedis on(RedisEndpoint endpoint, String advice) {
        RedisLink link = RedisLink.create(endpoint);
        try {
            RedisConnection<String, String> connection = link.connect().get(10, TimeUnit.SECONDS);
            TestRedis redis = new TestRedis(link, connection);
            redis.commands().ping();
            return redis;
        } catch (Exception e) {
            link.shutdown();
            return fail(advice + " (" + RedisLink.describe(e) + ")");
        }
    }

    public static String freshNamespace() {
        return "lgtest-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public RedisEndpoint endpoint() {
        return link.endpoint();
    }

    /** The link the code under test opens its connections on. */
    public RedisLink link() {
        return link;
    }

    /** Another client of the same Redis (another replica's); the caller shuts it down. */
    public RedisLink newLink() {
        return RedisLink.create(link.endpoint());
    }

    @SuppressWarnings("unchecked")
    public RedisClusterCommands<String, String> commands() {
        if (connection.connection() instanceof StatefulRedisClusterConnection<?, ?> cluster) {
            return ((StatefulRedisClusterConnection<String, String>) cluster).sync();
        }
        return ((StatefulRedisConnection<String, String>) connection.connection()).sync();
    }

    /** Every key under {@code namespace}, found with SCAN (on every master of a cluster). */
    public List<String> keys(String namespace) {
        List<String> keys = new ArrayList<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs match = ScanArgs.Builder.matches(namespace + ":*").limit(500);
        do {
            KeyScanCursor<String> page = commands().scan(cursor, match);
            keys.addAll(page.getKeys());
            cursor = page;
        } while (!cursor.isFinished());
        return keys;
    }

    public void deleteNamespace(String namespace) {
        for (String key : keys(namespace)) {
            commands().del(key);
        }
    }

    @Override
    public void close() {
        connection.closeAsync();
        link.shutdown().join();
    }
}
