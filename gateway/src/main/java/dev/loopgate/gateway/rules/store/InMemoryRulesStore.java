package dev.loopgate.gateway.rules.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * The rules store of a single gateway without Redis. State lives on the store's context:
 * called there, every operation completes at once and a publish calls the listeners before
 * it returns; called from another thread, the work hops onto the context first.
 */
public final class InMemoryRulesStore implements RulesStore {
    private final Context context;
    private final Clock clock;
    private final NavigableMap<Long, RulesVersion> versions = new TreeMap<>();
    private final ChangeFeed feed = new ChangeFeed();

    public InMemoryRulesStore(Vertx vertx) {
        this(vertx.getOrCreateContext(), Clock.systemUTC());
    }

    public InMemoryRulesStore(Context context, Clock clock) {
        this.context = Objects.requireNonNull(context, "context");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<RulesVersion> current() {
        return onContext(this::newest);
    }

    @Override
    public Future<RulesVersion> publish(String document, String author, String comment) {
        checkPublishArguments(document, author);
        return onContext(() -> append(document, author, comment));
    }

    @Override
    public Future<RulesVersion> publishIfEmpty(String document, String author, String comment) {
        checkPublishArguments(document, author);
        return onContext(() -> versions.isEmpty() ? append(document, author, comment) : newest());
    }

    @Override
    public Future<RulesVersion> version(long version) {
        return onContext(() -> versions.get(version));
    }

    @Override
    public Future<List<RulesVersion>> versions() {
        return onContext(() -> List.copyOf(versions.descendingMap().values()));
    }

    @Override
    public void onChange(Consumer<RulesVersion> listener) {
        feed.add(listener);
    }

    @Override
    public Future<Void> close() {
        feed.clear();
        return Future.succeededFuture();
    }

    static void checkPublishArguments(String document, String author) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(author, "author");
    }

    private RulesVersion newest() {
        return versions.isEmpty() ? null : versions.lastEntry().getValue();
    }

    private RulesVersion append(String document, String author, String comment) {
        long number = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        RulesVersion version = new RulesVersion(number, author, clock.instant(), comment, document);
        versions.put(number, version);
        feed.offer(version);
        return version;
    }

    private <T> Future<T> onContext(Callable<T> work) {
        if (Vertx.currentContext() == context) {
            return call(work);
        }
        Promise<T> promise = Promise.promise();
        context.runOnContext(ignored -> call(work).onComplete(promise));
        return promise.future();
    }

    private static <T> Future<T> call(Callable<T> work) {
        try {
            return Future.succeededFuture(work.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }
}
