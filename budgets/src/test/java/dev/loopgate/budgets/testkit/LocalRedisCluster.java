package dev.loopgate.budgets.testkit;

import dev.loopgate.budgets.redis.RedisEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis Cluster of 3 masters and 3 replicas on free loopback ports, started once per
 * test JVM ({@code redis-server --cluster-enabled yes}, {@code redis-cli --cluster create}) and
 * stopped when it exits. A master whose node goes quiet for {@link #NODE_TIMEOUT_MILLIS} is
 * replaced by its replica.
 */
public final class LocalRedisCluster implements AutoCloseable {
    public static final int NODE_TIMEOUT_MILLIS = 1000;
    private static LocalRedisCluster shared;

    private final List<Integer> ports;

    private LocalRedisCluster(List<Integer> ports) {
        this.ports = ports;
    }

    /** The cluster of this JVM, started on first use (a few seconds). */
    public static synchronized LocalRedisCluster shared() {
        if (shared == null) {
            shared = startNew();
        }
        return shared;
    }

    /** A cluster of the caller's own (for tests that kill a node); {@link #close()} stops it. */
    public static LocalRedisCluster startNew() {
        int nodes = 6;
        Path root;
        try {
            root = Files.createTempDirectory("lg-redis-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> ports = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int port = LocalRedisServers.freePort();
            LocalRedisServers.start(port, root.resolve("node-" + port), List.of("cluster-enabled yes",
                    "cluster-config-file nodes.conf", "cluster-node-timeout " + NODE_TIMEOUT_MILLIS), false);
            ports.add(port);
            addresses.add("127.0.0.1:" + port);
        }
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        create.addAll(addresses);
        create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        String out = LocalRedisServers.run(create, 60);
        LocalRedisCluster cluster = new LocalRedisCluster(ports);
        Await.until("the cluster says ok on every node (redis-cli said: " + out + ")", cluster::healthy, 30_000);
        return cluster;
    }

    /** Every node up says cluster_state:ok, and every master has a replica in sync. */
    public boolean healthy() {
        int masters = 0;
        int syncedReplicas = 0;
        for (int port : ports) {
            if (!LocalRedisServers.listening(port)) {
                continue;
            }
            if (!LocalRedisServers.cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")) {
                return false;
            }
            String replication = LocalRedisServers.cli(port, "INFO", "replication");
            if (replication.contains("role:master")) {
                masters++;
            } else if (replication.contains("master_link_status:up")) {
                syncedReplicas++;
            }
        }
        return masters == 3 && syncedReplicas == 3;
    }

    /** Seed nodes for a client: every node. */
    public RedisEndpoint endpoint() {
        List<String> nodes = new ArrayList<>();
        ports.forEach(port -> nodes.add("redis://127.0.0.1:" + port));
        return RedisEndpoint.cluster(nodes);
    }

    public List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** The port of the master serving {@code key}'s slot now. */
    public int masterOf(String key) {
        String slot = LocalRedisServers.cli(ports.get(0), "CLUSTER", "KEYSLOT", key);
        for (int port : ports) {
            if (!LocalRedisServers.listening(port)) {
                continue;
            }
            String nodes = LocalRedisServers.cli(port, "CLUSTER", "NODES");
            for (String line : nodes.split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length > 8 && fields[2].contains("master") && !fields[2].contains("fail")) {
                    for (int i = 8; i < fields.length; i++) {
                        if (covers(fields[i], Integer.parseInt(slot))) {
                            return Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
                        }
                    }
                }
            }
            break;
        }
        throw new IllegalStateException("no master serves slot " + slot);
    }

    /** Kills a master (SIGKILL); its replica takes over after {@link #NODE_TIMEOUT_MILLIS} or so. */
    public void kill(int port) {
        LocalRedisServers.kill(port);
    }

    /** Waits until the cluster is whole again without the killed nodes: 3 masters up, cluster_state:ok. */
    public void awaitFailover() {
        Await.until("a replica took over the killed master", () -> {
            int masters = 0;
            for (int port : ports) {
                if (LocalRedisServers.listening(port)) {
                    if (!LocalRedisServers.cli(port, "CLUSTER", "INFO").contains("cluster_state:ok")) {
                        return false;
                    }
                    if (LocalRedisServers.cli(port, "INFO", "replication").contains("role:master")) {
                        masters++;
                    }
                }
            }
            return masters == 3;
        }, 30_000);
    }

    @Override
    public void close() {
        LocalRedisServers.stop(ports);
    }

    private static boolean covers(String range, int slot) {
        if (range.startsWith("[")) {
            return false; // a slot being migrated
        }
        int dash = range.indexOf('-');
        int from = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
        int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
        return slot >= from && slot <= to;
    }
}
