package dev.loopgate.gateway.testing;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;

/** Cleanup for tests that run gateways on a shared Redis under a namespace of their own. */
public final class RedisNamespace {
    private RedisNamespace() {
    }

    /** Deletes every key under {@code namespace}. */
    public static void delete(String redisUrl, String namespace) {
        RedisClient client = RedisClient.create(redisUrl);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            List<String> keys = connection.sync().keys(namespace + ":*");
            if (!keys.isEmpty()) {
                connection.sync().del(keys.toArray(String[]::new));
            }
        } finally {
            client.shutdown();
        }
    }
}
