package dev.loopgate.budgets.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.io.File;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The one way every Redis-backed part reaches Redis: a Lettuce client for a single node,
 * a Sentinel-watched master or a Cluster, with the options a gateway needs, and the
 * connections the parts open on it.
 *
 * <p>Lettuce's defaults suit a cache, not a gateway that refuses calls while Redis is away.
 * Here reconnects come at most {@link #MAX_RECONNECT_DELAY} apart, commands to a single node
 * (or a Sentinel master) are refused at once while disconnected (a call gets its 503 now, not
 * after a timeout), a command gives up after {@link #COMMAND_TIMEOUT}, and shutting down is
 * bounded. On a cluster the topology is read again every {@link #TOPOLOGY_REFRESH} and at once
 * on a redirect or repeated reconnects, so a promoted replica is used within about a second of
 * the failover; a command to a node that is away waits for it up to
 * {@link #CLUSTER_COMMAND_TIMEOUT}.
 *
 * <p>Every connection of a part is one connection for all its callers (Lettuce pipelines
 * them); stages complete on Lettuce's I/O threads.
 */
public final class RedisLink {
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(100);
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** On a cluster, how long a command waits for its node (connecting, or a failover) before it fails. */
    public static final Duration CLUSTER_COMMAND_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(1);
    /** How long closing may take: a Redis that is down must not hold up the gateway's stop. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private final RedisEndpoint endpoint;
    private final AbstractRedisClient client;
    /** A cluster's first topology read, which connecting needs; read again after a failure. */
    private final AtomicReference<CompletableFuture<Void>> topology = new AtomicReference<>();

    private RedisLink(RedisEndpoint endpoint, AbstractRedisClient client) {
        this.endpoint = endpoint;
        this.client = client;
    }

    /**
     * A client for {@code endpoint}; nothing is connected until a part asks. Creating the first
     * client loads Lettuce and Netty and starts their threads (a fraction of a second): not on
     * an event loop.
     */
    public static RedisLink create(RedisEndpoint endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(1), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        SocketOptions socket = SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build();
        SslOptions tls = endpoint.tlsCa() == null ? SslOptions.create()
                : SslOptions.builder().trustManager(new File(endpoint.tlsCa())).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(COMMAND_TIMEOUT);
        if (endpoint.kind() == RedisEndpoint.Kind.CLUSTER) {
            RedisClusterClient cluster = RedisClusterClient.create(resources, endpoint.clusterUris());
            // A cluster opens its node connections as commands need them; refusing commands while
            // one is still connecting would refuse the first calls to every node, so they wait
            // (up to CLUSTER_COMMAND_TIMEOUT, also the wait for a replica to be promoted).
            cluster.setOptions(ClusterClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .socketOptions(socket)
                    .sslOptions(tls)
                    .timeoutOptions(TimeoutOptions.enabled(CLUSTER_COMMAND_TIMEOUT))
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(TOPOLOGY_REFRESH)
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(Duration.ofMillis(200))
                            .refreshTriggersReconnectAttempts(2)
                            .build())
                    .build());
            return new RedisLink(endpoint, cluster);
        }
        RedisClient single = RedisClient.create(resources, endpoint.uri());
        single.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socket)
                .sslOptions(tls)
                .timeoutOptions(timeouts)
                .build());
        return new RedisLink(endpoint, single);
    }

    public RedisEndpoint endpoint() {
        return endpoint;
    }

    public boolean isCluster() {
        return client instanceof RedisClusterClient;
    }

    /** A new connection with string keys and values. */
    public CompletableFuture<RedisConnection<String, String>> connect() {
        return connect(StringCodec.UTF8);
    }

    /** A new connection; on a cluster it routes each command to the node owning its key's slot. */
    public <K, V> CompletableFuture<RedisConnection<K, V>> connect(RedisCodec<K, V> codec) {
        if (client instanceof RedisClusterClient cluster) {
            return topology(cluster).thenCompose(known -> cluster.connectAsync(codec))
                    .thenApply(c -> new RedisConnection<>(c, c.async()));
        }
        RedisClient single = (RedisClient) client;
        return single.connectAsync(codec, endpoint.uri()).toCompletableFuture()
                .thenApply(c -> new RedisConnection<>(c, c.async()));
    }

    /**
     * A new subscription connection. On a cluster a PUBLISH reaches every node, so one
     * subscription anywhere hears it; messages sent while it reconnects are lost, which is why
     * each subscriber also looks at the state itself now and then.
     */
    public <K, V> CompletableFuture<StatefulRedisPubSubConnection<K, V>> connectPubSub(RedisCodec<K, V> codec) {
        if (client instanceof RedisClusterClient cluster) {
            return topology(cluster).thenCompose(known -> cluster.connectPubSubAsync(codec)).thenApply(c -> c);
        }
        RedisClient single = (RedisClient) client;
        return single.connectPubSubAsync(codec, endpoint.uri()).toCompletableFuture();
    }

    private CompletableFuture<Void> topology(RedisClusterClient cluster) {
        CompletableFuture<Void> read = topology.get();
        if (read == null || read.isCompletedExceptionally()) {
            CompletableFuture<Void> next = new CompletableFuture<>();
            if (topology.compareAndSet(read, next)) {
                cluster.refreshPartitionsAsync().whenComplete((done, failure) -> {
                    if (failure == null) {
                        next.complete(null);
                    } else {
                        next.completeExceptionally(failure);
                    }
                });
            }
            read = topology.get();
        }
        return read;
    }

    /** Runs {@code listener} whenever any connection of this client drops (Redis may come back empty). */
    public void onDisconnected(Runnable listener) {
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                listener.run();
            }
        });
    }

    /** Told of every command sent (tests count round trips with it). */
    public void addListener(CommandListener listener) {
        client.addListener(listener);
    }

    /** The failure a part reports when it cannot use Redis: {@code "<part>: cannot use Redis at <where>: <why>"}. */
    public IllegalStateException unusable(String part, Throwable failure) {
        return new IllegalStateException(part + ": cannot use Redis at " + endpoint.where() + ": " + describe(failure),
                failure);
    }

    /** A failure's message, unwrapped from the stage's wrapper, with its cause's when it has one. */
    public static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Throwable root = cause.getCause();
        return root != null && root.getMessage() != null && !message.contains(root.getMessage())
                ? message + " (" + root.getMessage() + ")" : message;
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Closes every connection, then the client's threads; never takes longer than a few seconds. */
    public CompletableFuture<Void> shutdown() {
        long timeout = SHUTDOWN_TIMEOUT.toMillis();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        client.shutdownAsync(0, timeout, TimeUnit.MILLISECONDS).whenComplete((closed, failed) ->
                client.getResources().shutdown(0, timeout, TimeUnit.MILLISECONDS)
                        .addListener(threads -> stopped.complete(null)));
        return stopped;
    }

    /** The reconnect delay after {@code attempt} failed attempts (for tests of the bound). */
    Duration reconnectDelay(long attempt) {
        return client.getResources().reconnectDelay().createDelay(attempt);
    }
}
