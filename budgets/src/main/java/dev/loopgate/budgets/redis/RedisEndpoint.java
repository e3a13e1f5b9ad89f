package dev.loopgate.budgets.redis;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisCredentialsProvider;
import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where the shared state lives: one Redis node, a master found through Sentinel, or a Redis
 * Cluster. Node addresses are {@code redis://host:port} ({@code rediss://} for TLS, checked
 * against the JVM's trusted certificates, or against {@code tlsCa}, a PEM file of CA
 * certificates, when given); an ACL user and password, when given, are used for every data
 * node (a Sentinel node may carry its own password in its URL). {@link #toString()} never
 * shows a password.
 */
public record RedisEndpoint(Kind kind, List<String> nodes, String master, String user, String password,
        String tlsCa) {
    public enum Kind { SINGLE, SENTINEL, CLUSTER }

    public RedisEndpoint {
        Objects.requireNonNull(kind, "kind");
        nodes = List.copyOf(nodes);
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("at least one Redis node is needed");
        }
        if (kind == Kind.SINGLE && nodes.size() != 1) {
            throw new IllegalArgumentException("a single Redis has one URL, got " + nodes.size());
        }
        if (kind == Kind.SENTINEL && (master == null || master.isBlank())) {
            throw new IllegalArgumentException("Sentinel needs the master's name");
        }
        nodes.forEach(RedisURI::create); // fails on a URL Lettuce cannot read
    }

    /** One Redis, e.g. {@code redis://127.0.0.1:6379} or {@code rediss://user:secret@redis.internal:6380/0}. */
    public static RedisEndpoint single(String url) {
        return new RedisEndpoint(Kind.SINGLE, List.of(url), null, null, null, null);
    }

    /** A Redis Cluster, found from any of these nodes (the rest of the topology is discovered). */
    public static RedisEndpoint cluster(List<String> nodes) {
        return new RedisEndpoint(Kind.CLUSTER, nodes, null, null, null, null);
    }

    /** The master named {@code master}, as these Sentinel nodes report it (followed through failovers). */
    public static RedisEndpoint sentinel(String master, List<String> nodes) {
        return new RedisEndpoint(Kind.SENTINEL, nodes, master, null, null, null);
    }

    /** The same nodes, logging in as {@code user} (null: the default user) with {@code password} (null: none). */
    public RedisEndpoint withCredentials(String user, String password) {
        return new RedisEndpoint(kind, nodes, master, user, password, tlsCa);
    }

    /** The same nodes, their TLS certificates checked against the CA certificates in the PEM file {@code caFile}. */
    public RedisEndpoint withTlsCa(String caFile) {
        return new RedisEndpoint(kind, nodes, master, user, password, caFile);
    }

    /** The address for a single node or a Sentinel master; for a cluster use {@link #clusterUris()}. */
    RedisURI uri() {
        if (kind == Kind.CLUSTER) {
            throw new IllegalStateException("a cluster has one URI per seed node");
        }
        if (kind == Kind.SINGLE) {
            return withCredentials(RedisURI.create(nodes.get(0)));
        }
        RedisURI first = RedisURI.create(nodes.get(0));
        RedisURI.Builder builder = RedisURI.Builder.sentinel(first.getHost(), first.getPort(), master)
                .withSsl(first.isSsl());
        nodes.stream().skip(1).forEach(node -> builder.withSentinel(RedisURI.create(node)));
        RedisURI uri = builder.build();
        uri.getSentinels().set(0, first); // with its own password, if its URL has one
        return withCredentials(uri);
    }

    List<RedisURI> clusterUris() {
        List<RedisURI> uris = new ArrayList<>();
        nodes.forEach(node -> uris.add(withCredentials(RedisURI.create(node))));
        return uris;
    }

    private RedisURI withCredentials(RedisURI uri) {
        if (password != null) {
            RedisCredentials credentials = RedisCredentials.just(user, password);
            uri.setCredentialsProvider(RedisCredentialsProvider.from(() -> credentials));
        }
        return uri;
    }

    /** Where, for messages: the nodes' host:port and, for Sentinel, the master's name; never a password. */
    public String where() {
        List<String> hosts = new ArrayList<>();
        for (String node : nodes) {
            RedisURI uri = RedisURI.create(node);
            hosts.add(uri.getHost() + ":" + uri.getPort());
        }
        String list = String.join(",", hosts);
        return switch (kind) {
            case SINGLE -> list;
            case CLUSTER -> "cluster " + list;
            case SENTINEL -> "sentinel master '" + master + "' via " + list;
        };
    }

    @Override
    public String toString() {
        return where();
    }
}
