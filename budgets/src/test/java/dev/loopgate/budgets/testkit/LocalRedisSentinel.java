package dev.loopgate.budgets.testkit;

import dev.loopgate.budgets.redis.RedisEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A master, its replica and a Sentinel watching them, on free loopback ports, started once per
 * test JVM and stopped when it exits. Clients find the master through the Sentinel.
 */
public final class LocalRedisSentinel {
    public static final String MASTER = "lgmaster";
    private static LocalRedisSentinel shared;

    private final int sentinel;

    private LocalRedisSentinel(int sentinel) {
        this.sentinel = sentinel;
    }

    public static synchronized LocalRedisSentinel shared() {
        if (shared == null) {
            shared = start();
        }
        return shared;
    }

    private static LocalRedisSentinel start() {
        Path root;
        try {
            root = Files.createTempDirectory("lg-redis-sentinel");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int master = LocalRedisServers.freePort();
        int replica = LocalRedisServers.freePort();
        int sentinel = LocalRedisServers.freePort();
        LocalRedisServers.start(master, root.resolve("master"), List.of(), false);
        LocalRedisServers.start(replica, root.resolve("replica"), List.of("replicaof 127.0.0.1 " + master), false);
        LocalRedisServers.start(sentinel, root.resolve("sentinel"), List.of(
                "sentinel monitor " + MASTER + " 127.0.0.1 " + master + " 1",
                "sentinel down-after-milliseconds " + MASTER + " 1000",
                "sentinel failover-timeout " + MASTER + " 5000"), true);
        Await.until("the Sentinel knows the master and its replica", () -> {
            String replicas = LocalRedisServers.cli(sentinel, "SENTINEL", "REPLICAS", MASTER);
            return LocalRedisServers.cli(replica, "INFO", "replication").contains("master_link_status:up")
                    && replicas.contains(Integer.toString(replica));
        }, 30_000);
        return new LocalRedisSentinel(sentinel);
    }

    public RedisEndpoint endpoint() {
        return RedisEndpoint.sentinel(MASTER, List.of("redis://127.0.0.1:" + sentinel));
    }
}
