package dev.loopgate.budgets.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The real Redis the Redis tests run against, and a plain connection to look at it directly.
 * Tests using it fail (never skip) when it is not there: CI starts one.
 */
public final class TestRedis implements AutoCloseable {
    public static final String URL = "redis://127.0.0.1:6379";

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    private TestRedis(RedisClient client, StatefulRedisConnection<String, String> connection) {
        this.client = client;
        this.connection = connection;
    }

    public static RedisURI uri() {
        RedisURI uri = RedisURI.create(URL);
        uri.setTimeout(Duration.ofSeconds(5));
        return uri;
    }

    /** Connects, or fails the calling test with what to do about it. */
    public static TestRedis connect() {
        RedisClient client = RedisClient.create(uri());
        try {
            StatefulRedisConnection<String, String> connection = client.connect(StringCodec.UTF8);
            connection.sync().ping();
            return new TestRedis(client, connection);
        } catch (RuntimeException e) {
            client.shutdown();
            return fail("These tests need a real Redis at " + URL + " and cannot reach it (" + e.getMessage()
                    + "). Start one (redis-server, or .ci/run starts it); they do not skip without it.");
        }
    }

    public static String freshNamespace() {
        return "lgtest-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public RedisCommands<String, String> commands() {
        return connection.sync();
    }

    /** The client the code under test may open its own connections on. */
    public RedisClient client() {
        return client;
    }

    /** Every key under {@code namespace}, found with SCAN. */
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
        List<String> keys = keys(namespace);
        if (!keys.isEmpty()) {
            commands().del(keys.toArray(String[]::new));
        }
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
