package dev.loopgate.gateway.rules.store;

import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rules versions shared by every replica through Redis (layout in {@link RedisRulesKeys}).
 * Publishing is one Lua script ({@code publish_v1.lua}) that numbers, stores, makes current and
 * announces the version; its keys share the {@code {rules}} hash tag, so it runs on a Cluster
 * too. Replicas hear of it on the change channel (a PUBLISH reaches every node of a cluster),
 * and poll {@code current} every {@code pollInterval} because pub/sub drops messages while a
 * connection is down.
 *
 * <p>The constructor only starts connecting; every operation waits for that and fails with its
 * reason while Redis cannot be used, and the first operation (or poll) a second after a failed
 * attempt connects again, so a store made while Redis is down joins it once it is back. Lettuce completes its futures on its own
 * I/O threads; every result is moved onto the store's context before anything reads it, so
 * the store's state is confined there.
 */
public final class RedisRulesStore implements RulesStore {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(RedisRulesStore.class);
    private static final LuaScript PUBLISH = LuaScript.load(RedisRulesStore.class, "publish_v1.lua");
    private static final String ALWAYS = "always";
    private static final String IF_EMPTY = "if_empty";

    private final Context context;
    private final Clock clock;
    private final RedisRulesKeys keys;
    private final Reconnecting<Connections> connected;
    private final ChangeFeed feed = new ChangeFeed();
    private volatile Future<Void> closing;
    private volatile long lastNoticeHandled;
    private final long pollTimer;
    private boolean polling;

    /** Its two connections: commands, and the subscription (which can run nothing else). */
    private record Connections(RedisConnection<String, String> commands,
            StatefulRedisPubSubConnection<String, String> pubSub) {
        RedisClusterAsyncCommands<String, String> redis() {
            return commands.commands();
        }
    }

    /** Uses the system clock and polls every {@link #DEFAULT_POLL_INTERVAL}, on a context of {@code vertx} taken now. */
    public RedisRulesStore(Vertx vertx, RedisLink link, String namespace) {
        this(vertx.getOrCreateContext(), link, namespace, Clock.systemUTC(), DEFAULT_POLL_INTERVAL);
    }

    /**
     * Starts connecting, subscribing to the change channel and reading the current version
     * (which then counts as seen: listeners hear only of later ones). Never blocks.
     *
     * @param context      where futures complete and listeners are called
     * @param link         where Redis is (the store opens two connections on it; the link stays the caller's)
     * @param namespace    the first part of every key, e.g. {@code lg}
     * @param clock        stamps {@link RulesVersion#createdAt()}
     * @param pollInterval how often {@code current} is read in case a change message was lost
     */
    public RedisRulesStore(Context context, RedisLink link, String namespace, Clock clock, Duration pollInterval) {
        this.context = Objects.requireNonNull(context, "context");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (pollInterval == null || pollInterval.toMillis() < 1) {
            throw new IllegalArgumentException("pollInterval must be at least 1 ms, was " + pollInterval);
        }
        this.keys = RedisRulesKeys.of(namespace);
        Objects.requireNonNull(link, "link");
        // connected in the background, again after a failure (a store made while Redis is down joins later)
        this.connected = new Reconnecting<>(() -> open(link)
                .compose(this::start)
                .recover(failure -> Future.failedFuture(link.unusable("routing rules", failure)))
                .toCompletionStage().toCompletableFuture());
        this.pollTimer = context.owner().setPeriodic(pollInterval.toMillis(), id -> poll());
    }

    /** A store that is ready: connected, subscribed, its current version read. */
    public static Future<RedisRulesStore> connect(Context context, RedisLink link, String namespace, Clock clock,
            Duration pollInterval) {
        RedisRulesStore store = new RedisRulesStore(context, link, namespace, clock, pollInterval);
        return store.ready().map(store);
    }

    /** Completes once connected, subscribed and the current version read; fails with the reason Redis cannot be used. */
    public Future<Void> ready() {
        return connections().mapEmpty();
    }

    @Override
    public Future<RulesVersion> current() {
        return connections().compose(this::loadCurrent);
    }

    @Override
    public Future<RulesVersion> publish(String document, String author, String comment) {
        InMemoryRulesStore.checkPublishArguments(document, author);
        return connections().compose(redis -> runPublishScript(redis, ALWAYS, document, author, comment));
    }

    @Override
    public Future<RulesVersion> publishIfEmpty(String document, String author, String comment) {
        InMemoryRulesStore.checkPublishArguments(document, author);
        return connections().compose(redis -> runPublishScript(redis, IF_EMPTY, document, author, comment));
    }

    @Override
    public Future<RulesVersion> version(long version) {
        return connections().compose(redis -> version < 1 ? Future.succeededFuture() : loadVersion(redis, version));
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

    /** Stops polling, unsubscribes and closes its connections (once connecting has ended); safe to call twice. */
    @Override
    public synchronized Future<Void> close() {
        if (closing == null) {
            context.owner().cancelTimer(pollTimer);
            closing = onContext(connected.close()).transform(opened -> {
                feed.clear();
                if (opened.failed()) {
                    return Future.succeededFuture(); // the failed start already closed what it opened
                }
                Connections redis = opened.result();
                return onContext(redis.pubSub().async().unsubscribe(keys.changed()))
                        .otherwiseEmpty()
                        .compose(x -> Future.join(onContext(redis.pubSub().closeAsync()),
                                onContext(redis.commands().closeAsync())))
                        .otherwiseEmpty()
                        .mapEmpty();
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

    private Future<Connections> open(RedisLink link) {
        Future<RedisConnection<String, String>> commands = onContext(link.connect());
        Future<StatefulRedisPubSubConnection<String, String>> pubSub = onContext(link.connectPubSub(StringCodec.UTF8));
        return Future.join(commands, pubSub)
                .transform(joined -> {
                    if (joined.failed()) {
                        close(commands.result(), pubSub.result());
                        return Future.failedFuture(joined.cause());
                    }
                    return Future.succeededFuture(new Connections(commands.result(), pubSub.result()));
                });
    }

    private static void close(RedisConnection<String, String> commands, StatefulRedisPubSubConnection<String, String> pubSub) {
        if (commands != null) {
            commands.closeAsync();
        }
        if (pubSub != null) {
            pubSub.closeAsync();
        }
    }

    private Future<Connections> start(Connections redis) {
        redis.pubSub().addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                context.runOnContext(ignored -> onChangeMessage(redis, message));
            }
        });
        return onContext(redis.pubSub().async().subscribe(keys.changed()))
                .compose(ignored -> onContext(PUBLISH.preload(redis.redis())))
                .compose(loaded -> loadCurrent(redis))
                .transform(started -> {
                    if (started.failed()) {
                        close(redis.commands(), redis.pubSub());
                        return Future.failedFuture(started.cause());
                    }
                    return Future.succeededFuture(redis);
                });
    }

    private Future<RulesVersion> runPublishScript(Connections redis, String mode, String document, String author,
            String comment) {
        String[] args = {mode, author, clock.instant().toString(), comment == null ? "" : comment, document,
                keys.changed()};
        return onContext(PUBLISH.<List<Object>, String, String>run(redis.redis(), ScriptOutputType.MULTI,
                        keys.scriptKeys(), args))
                .map(reply -> {
                    RulesVersion version = RulesVersionJson.read((String) reply.get(1));
                    offerUnlessClosed(version);
                    return version;
                });
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
                        RedisLink.describe(loaded.cause()));
            }
            noticeHandled(version);
        });
    }

    private void noticeHandled(long version) {
        lastNoticeHandled = Math.max(lastNoticeHandled, version);
    }

    private void poll() {
        if (polling || closing != null) {
            return;
        }
        polling = true;
        connections().compose(this::loadCurrent).onComplete(done -> {
            polling = false;
            if (done.failed()) {
                LOG.debug("polling the current rules version failed: {}", RedisLink.describe(done.cause()));
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

    private <T> Future<T> call(Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command) {
        return connections().compose(redis -> onContext(command.apply(redis.redis())));
    }

    /** Connected, subscribed and the current version read; the first call after a failed attempt tries again. */
    private Future<Connections> connections() {
        return onContext(connected.get());
    }

    /** A Lettuce result, completed on the store's context. */
    private <T> Future<T> onContext(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, context);
    }
}
