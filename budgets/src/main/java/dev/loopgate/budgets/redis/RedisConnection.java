package dev.loopgate.budgets.redis;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.concurrent.CompletableFuture;

/**
 * One connection from a {@link RedisLink} and its commands; the same interface whether it is to
 * one node or to a cluster (where each command goes to the node owning its key's slot, so a
 * command or script must keep its keys in one slot: the hash tags of each part's key layout).
 */
public record RedisConnection<K, V>(StatefulConnection<K, V> connection, RedisClusterAsyncCommands<K, V> commands) {
    public CompletableFuture<Void> closeAsync() {
        return connection.closeAsync();
    }
}
