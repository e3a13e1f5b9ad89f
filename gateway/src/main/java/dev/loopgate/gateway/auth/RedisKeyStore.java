package dev.loopgate.gateway.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.gateway.wire.Json;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keys shared by every replica through Redis, under the {@code {keys}} hash tag:
 * {@code <ns>:v1:{keys}:all} (id to JSON), {@code :names} (name to id) and {@code :changed}
 * (a counter). Each change is one script ({@code keys_v1.lua}) that also bumps the counter and
 * publishes it; replicas hear it on the channel and also read the counter every
 * {@link #POLL} (pub/sub drops messages while a connection is down), so a change reaches every
 * replica within a second.
 */
public final class RedisKeyStore implements KeyStore {
    public static final Duration POLL = Duration.ofMillis(500);
    private static final LuaScript KEYS = LuaScript.load(RedisKeyStore.class, "keys_v1.lua");

    private final Vertx vertx;
    private final String[] scriptKeys;
    private final String counterKey;
    private final String channel;
    private final Reconnecting<RedisConnection<String, String>> commands;
    private final Reconnecting<StatefulRedisPubSubConnection<String, String>> changes;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean polling = new AtomicBoolean();
    private volatile String lastCounter;
    private final long timer;

    private RedisKeyStore(Vertx vertx, RedisLink link, String namespace) {
        this.vertx = vertx;
        String prefix = namespace + ":v1:{keys}:";
        this.scriptKeys = new String[] {prefix + "all", prefix + "names", prefix + "changed"};
        this.counterKey = prefix + "changed";
        this.channel = prefix + "changed";
        this.commands = new Reconnecting<>(() -> link.connect()
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(link.unusable("keys", failure))));
        this.changes = new Reconnecting<>(() -> link.connectPubSub(StringCodec.UTF8).thenCompose(this::subscribe));
        this.timer = vertx.setPeriodic(POLL.toMillis(), id -> poll());
    }

    /**
     * A store on two connections of its own from {@code link} (which stays the caller's), made in
     * the background: ready at once, so a gateway starts while Redis is down and sees the keys once
     * it is back (the poll reads the counter again). Completes once the first attempt is over.
     */
    public static CompletionStage<KeyStore> connect(Vertx vertx, RedisLink link, String namespace) {
        Objects.requireNonNull(namespace, "namespace");
        RedisKeyStore store = new RedisKeyStore(vertx, link, namespace);
        return store.commands.get().thenCompose(open -> open.commands().get(store.counterKey))
                .handle((counter, failure) -> {
                    store.lastCounter = counter;
                    return store;
                });
    }

    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> subscribe(
            StatefulRedisPubSubConnection<String, String> pubSub) {
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String from, String counter) {
                heard(counter);
            }
        });
        return pubSub.async().subscribe(channel).toCompletableFuture().handle((subscribed, failure) -> {
            if (failure != null) {
                pubSub.closeAsync();
                throw new CompletionException(failure);
            }
            return pubSub;
        });
    }

    @Override
    public CompletionStage<Void> create(RuntimeKey key) {
        return run("create", key.id(), json(key)).thenCompose(changed -> changed ? CompletableFuture.<Void>completedFuture(null)
                : CompletableFuture.failedFuture(new KeyNameTakenException(key.name())));
    }

    @Override
    public CompletionStage<Boolean> replace(RuntimeKey key) {
        return run("replace", key.id(), json(key));
    }

    @Override
    public CompletionStage<Boolean> remove(String id) {
        return run("remove", id, "");
    }

    @Override
    public CompletionStage<List<RuntimeKey>> all() {
        return commands.get().thenCompose(open -> open.commands().hvals(scriptKeys[0])).thenApply(values -> {
            List<RuntimeKey> keys = new ArrayList<>(values.size());
            for (String value : values) {
                try {
                    keys.add(Json.MAPPER.readValue(value, RuntimeKey.class));
                } catch (JsonProcessingException e) {
                    throw new UncheckedIOException("a stored key is not readable JSON", e);
                }
            }
            return keys;
        });
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        vertx.cancelTimer(timer);
        listeners.clear();
        changes.close().thenAccept(StatefulRedisPubSubConnection::closeAsync);
        commands.close().thenAccept(RedisConnection::closeAsync);
    }

    private CompletableFuture<Boolean> run(String op, String id, String json) {
        return commands.get().thenCompose(open -> KEYS.<List<Object>, String, String>run(open.commands(),
                ScriptOutputType.MULTI, scriptKeys, op, id, json, channel)).thenApply(reply -> {
                    boolean changed = ((Long) reply.get(0)) == 1L;
                    if (changed) {
                        heard(String.valueOf(reply.get(1)));
                    }
                    return changed;
                });
    }

    /** A change counter seen (published, read or returned): listeners hear of it once. */
    private void heard(String counter) {
        if (counter != null && !counter.equals(lastCounter)) {
            lastCounter = counter;
            listeners.forEach(Runnable::run);
        }
    }

    private void poll() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        changes.get(); // subscribes again if it could not before
        commands.get().thenCompose(open -> open.commands().get(counterKey)).whenComplete((counter, failure) -> {
            polling.set(false);
            if (failure == null) {
                heard(counter);
            }
        });
    }

    private static String json(RuntimeKey key) {
        try {
            return Json.MAPPER.writeValueAsString(key);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a key is always writable as JSON", e);
        }
    }
}
