package dev.loopgate.gateway.rules.store;

import dev.loopgate.gateway.guard.RedisClients;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rules versions shared by every replica through Redis (layout in {@link RedisRulesKeys}).
 * Publishing is one Lua script ({@code publish_v1.lua}, called by SHA and loaded again after
 * NOSCRIPT) that numbers, stores, makes current and announces the version. Replicas hear of
 * it on the change channel, and poll {@code current} every {@code pollInterval} because
 * pub/sub drops messages while a connection is down.
 *
 * <p>The constructor only starts connecting; every operation waits for {@link #ready()} and
 * fails with its reason when Redis cannot be used. Lettuce completes its futures on its own
 * I/O threads; every result is moved onto the store's context before anything reads it, so
 * the store's state is confined there.
 */
public final class RedisRulesStore implements RulesStore {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(RedisRulesStore.class);
    private static final String SCRIPT = loadScript("publish_v1.lua");
    private static final String ALWAYS = "always";
    private static final String IF_EMPTY = "if_empty";

    private final Context context;
    private final Clock clock;
    private final RedisRulesKeys keys;
    private final Future<Connections> connections;
    private final ChangeFeed feed = new ChangeFeed();
    private volatile String scriptSha;
    private volatile Future<Void> closing;
    private volatile long lastNoticeHandled;
    private long pollTimer = -1;
    private boolean polling;

    /** The client and its two connections: commands, and the subscription (which can run nothing else). */
    private record Connections(RedisClient client, StatefulRedisConnection<String, String> commands,
            StatefulRedisPubSubConnection<String, String> pubSub) {
        RedisAsyncCommands<String, String> redis() {
            return commands.async();
        }
    }

    /** Uses the system clock and polls every {@link #DEFAULT_POLL_INTERVAL}, on a context of {@code vertx} taken now. */
    public RedisRulesStore(Vertx vertx, String redisUrl, String namespace) {
        this(vertx.getOrCreateContext(), redisUrl, namespace, Clock.systemUTC(), DEFAULT_POLL_INTERVAL);
    }

    /**
     * Starts connecting, subscribing to the change channel and reading the current version
     * (which then counts as seen: listeners hear only of later ones). Never blocks.
     *
     * @param context      where futures complete and listeners are called
     * @param redisUrl     e.g. {@code redis://127.0.0.1:6379}
     * @param namespace    the first part of every key, e.g. {@code lg}
     * @param clock        stamps {@link RulesVersion#createdAt()}
     * @param pollInterval how often {@code current} is read in case a change message was lost
     */
    public RedisRulesStore(Context context, String redisUrl, String namespace, Clock clock, Duration pollInterval) {
        this.context = Objects.requireNonNull(context, "context");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (pollInterval == null || pollInterval.toMillis() < 1) {
            throw new IllegalArgumentException("pollInterval must be at least 1 ms, was " + pollInterval);
        }
        this.keys = RedisRulesKeys.of(namespace);
        RedisURI uri = RedisURI.create(Objects.requireNonNull(redisUrl, "redisUrl"));
        String where = uri.getHost() + ":" + uri.getPort();
        // Creating the first client loads Lettuce and Netty classes (~0.2 s): not on an event loop.
        this.connections = context.executeBlocking(RedisClients::create, false)
                .compose(client -> open(client, uri))
                .compose(opened -> start(opened, pollInterval))
                .recover(failure -> Future.failedFuture(new IllegalStateException(
                        "routing rules: cannot use Redis at " + where + ": " + describe(failure), failure)));
    }

    /** A store that is ready: connected, subscribed, its current version read. */
    public static Future<RedisRulesStore> connect(Context context, String redisUrl, String namespace, Clock clock,
            Duration pollInterval) {
        RedisRulesStore store = new RedisRulesStore(context, redisUrl, namespace, clock, pollInterval);
        return store.ready().map(store);
    }

    /** Completes once connected, subscribed and the current version read; fails with the reason Redis cannot be used. */
    public Future<Void> ready() {
        return connections.mapEmpty();
    }

    @Override
    public Future<RulesVersion> current() {
        return connections.compose(this::loadCurrent);
    }

    @Override
    public Future<RulesVersion> publish(String document, String author, String comment) {
        InMemoryRulesStore.checkPublishArguments(document, author);
        return connections.compose(redis -> runPublishScript(redis, ALWAYS, document, author, comment));
    }

    @Override
    public Future<RulesVersion> publishIfEmpty(String document, String author, String comment) {
        InMemoryRulesStore.checkPublishArguments(document, author);
        return connections.compose(redis -> runPublishScript(redis, IF_EMPTY, document, author, comment));
    }

    @Override
    public Future<RulesVersion> version(long version) {
        return connections.compose(redis -> version < 1 ? Future.succeededFuture() : loadVersion(redis, version));
    }

    @Override
    public Future<List<RulesVersion>> versions() {
        return call(redis -> redis.hvals(keys.versions())).map(values -> values.stream()
                .map(RulesVersionJson::read)
                .sorted(Comparator.comparingLong(RulesVersion::version).reversed())
                .toList());
    }

    @Override
    public void onChange(Consumer<RulesVersion> listener) {
        feed.add(listener);
    }

    /** Stops polling, unsubscribes and shuts the client down (once connecting has ended); safe to call twice. */
    @Override
    public synchronized Future<Void> close() {
        if (closing == null) {
            closing = connections.transform(opened -> {
                if (opened.failed()) {
                    return Future.succeededFuture(); // the failed start already shut the client down
                }
                Connections redis = opened.result();
                context.owner().cancelTimer(pollTimer);
                feed.clear();
                return onContext(redis.pubSub().async().unsubscribe(keys.changed()))
                        .otherwiseEmpty()
                        .compose(x -> Future.join(onContext(redis.pubSub().closeAsync()),
                                onContext(redis.commands().closeAsync())))
                        .otherwiseEmpty()
                        .compose(x -> onContext(RedisClients.shutdown(redis.client())));
            });
        }
        return closing;
    }

    /**
     * The highest version number whose change message this store has finished handling,
     * delivered or ignored (for tests that check nothing more arrives).
     */
    long lastNoticeHandled() {
        return lastNoticeHandled;
    }

    private Future<Connections> open(RedisClient client, RedisURI uri) {
        Future<StatefulRedisConnection<String, String>> commands =
                onContext(client.connectAsync(StringCodec.UTF8, uri));
        Future<StatefulRedisPubSubConnection<String, String>> pubSub =
                onContext(client.connectPubSubAsync(StringCodec.UTF8, uri));
        return Future.join(commands, pubSub)
                .transform(joined -> {
                    if (joined.failed()) {
                        RedisClients.shutdown(client); // also closes whichever connection did open
                        return Future.failedFuture(joined.cause());
                    }
                    return Future.succeededFuture(new Connections(client, commands.result(), pubSub.result()));
                });
    }

    private Future<Connections> start(Connections redis, Duration pollInterval) {
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                context.runOnContext(ignored -> onChangeMessage(redis, message));
            }
        });
        return onContext(redis.pubSub().async().subscribe(keys.changed()))
                .compose(ignored -> onContext(redis.redis().scriptLoad(SCRIPT)))
                .compose(sha -> {
                    scriptSha = sha;
                    return loadCurrent(redis);
                })
                .transform(started -> {
                    if (started.failed()) {
                        RedisClients.shutdown(redis.client());
                        return Future.failedFuture(started.cause());
                    }
                    pollTimer = context.owner().setPeriodic(pollInterval.toMillis(), id -> poll(redis));
                    return Future.succeededFuture(redis);
                });
    }

    private Future<RulesVersion> runPublishScript(Connections redis, String mode, String document, String author,
            String comment) {
        String[] args = {mode, author, clock.instant().toString(), comment == null ? "" : comment, document,
                keys.changed()};
        return evalPublishScript(redis, args)
                .recover(failure -> {
                    if (!isNoScript(failure)) {
                        return Future.failedFuture(failure);
                    }
                    LOG.info("Redis lost the rules publish script (restart or SCRIPT FLUSH); loading it again");
                    return onContext(redis.redis().scriptLoad(SCRIPT)).compose(sha -> {
                        scriptSha = sha;
                        return evalPublishScript(redis, args);
                    });
                })
                .map(reply -> {
                    RulesVersion version = RulesVersionJson.read((String) reply.get(1));
                    offerUnlessClosed(version);
                    return version;
                });
    }

    private Future<List<Object>> evalPublishScript(Connections redis, String[] args) {
        return onContext(redis.redis().<List<Object>>evalsha(scriptSha, ScriptOutputType.MULTI, keys.scriptKeys(), args));
    }

    private void onChangeMessage(Connections redis, String message) {
        long version;
        try {
            version = Long.parseLong(message.trim());
        } catch (NumberFormatException e) {
            LOG.warn("ignoring change message '{}' on {}: not a version number", message, keys.changed());
            return;
        }
        if (closing != null || !feed.isNewer(version)) {
            noticeHandled(version);
            return;
        }
        loadVersion(redis, version).onComplete(loaded -> {
            if (loaded.succeeded()) {
                offerUnlessClosed(loaded.result());
            } else {
                LOG.warn("could not load rules version {} after its change message: {}", version,
                        describe(loaded.cause()));
            }
            noticeHandled(version);
        });
    }

    private void noticeHandled(long version) {
        lastNoticeHandled = Math.max(lastNoticeHandled, version);
    }

    private void poll(Connections redis) {
        if (polling || closing != null) {
            return;
        }
        polling = true;
        loadCurrent(redis).onComplete(done -> {
            polling = false;
            if (done.failed()) {
                LOG.debug("polling the current rules version failed: {}", describe(done.cause()));
            }
        });
    }

    private Future<RulesVersion> loadCurrent(Connections redis) {
        return onContext(redis.redis().get(keys.current())).compose(number -> {
            if (number == null) {
                return Future.succeededFuture(null);
            }
            return loadVersion(redis, Long.parseLong(number)).map(version -> {
                offerUnlessClosed(version);
                return version;
            });
        });
    }

    private Future<RulesVersion> loadVersion(Connections redis, long version) {
        return onContext(redis.redis().hget(keys.versions(), Long.toString(version)))
                .map(json -> json == null ? null : RulesVersionJson.read(json));
    }

    private void offerUnlessClosed(RulesVersion version) {
        if (closing == null) {
            feed.offer(version);
        }
    }

    private <T> Future<T> call(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command) {
        return connections.compose(redis -> onContext(command.apply(redis.redis())));
    }

    /** A Lettuce result, completed on the store's context. */
    private <T> Future<T> onContext(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }

    private static boolean isNoScript(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof RedisNoScriptException
                || (cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT"));
    }

    private static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Throwable root = cause.getCause();
        return root != null && root.getMessage() != null ? message + " (" + root.getMessage() + ")" : message;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private static String loadScript(String name) {
        try (InputStream in = RedisRulesStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " next to " + RedisRulesStore.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
