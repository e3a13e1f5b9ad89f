package dev.loopgate.gateway.rules.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.FakeClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** What every {@link RulesStore} does, run against each implementation. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RulesStoreContract {
    private static final Instant START = Instant.parse("2025-03-01T09:00:00Z");

    protected Vertx vertx;
    protected Context context;
    protected FakeClock clock;
    protected RulesStore store;

    /** A new, empty store whose futures and listeners run on {@code context}. */
    protected abstract RulesStore newStore(Context context, Clock clock);

    /** Called after each test's store is closed. */
    protected void afterStoreClosed() {
    }

    /**
     * Returns once {@code store} has taken in every notice it will get about versions up to
     * {@code version}, so a test can then check that nothing more was delivered.
     */
    protected void awaitNoticesUpTo(RulesStore store, long version) {
    }

    @BeforeAll
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stopVertx() {
        Await.result(vertx.close());
    }

    @BeforeEach
    void createStore() {
        context = vertx.getOrCreateContext();
        clock = new FakeClock(START);
        store = newStore(context, clock);
    }

    @AfterEach
    void closeStore() {
        try {
            Await.result(store.close());
        } finally {
            afterStoreClosed();
        }
    }

    @Test
    void aNewStoreHasNoVersions() {
        assertNull(Await.result(store.current()));
        assertEquals(List.of(), Await.result(store.versions()));
        assertNull(Await.result(store.version(1)));
    }

    @Test
    void publishNumbersVersionsFromOneAndMakesEachCurrent() {
        for (int i = 1; i <= 3; i++) {
            RulesVersion published = Await.result(store.publish("{\"rules\":" + i + "}", "ops", "change " + i));

            assertEquals(i, published.version());
            assertEquals("{\"rules\":" + i + "}", published.document());
            assertEquals(published, Await.result(store.current()));
        }
    }

    @Test
    void versionsAreListedNewestFirstWithAuthorCommentAndTime() {
        RulesVersion first = Await.result(store.publish("{\"a\":1}", "alice", "first"));
        clock.advance(Duration.ofMinutes(1));
        RulesVersion second = Await.result(store.publish("{\"a\":2}", "bob", "second"));
        clock.advance(Duration.ofMinutes(1));
        RulesVersion third = Await.result(store.publish("{\"a\":3}", "carol", "third"));

        assertEquals(new RulesVersion(1, "alice", START, "first", "{\"a\":1}"), first);
        assertEquals(new RulesVersion(2, "bob", START.plusSeconds(60), "second", "{\"a\":2}"), second);
        assertEquals(new RulesVersion(3, "carol", START.plusSeconds(120), "third", "{\"a\":3}"), third);
        assertEquals(List.of(third, second, first), Await.result(store.versions()));
    }

    @Test
    void versionFindsOneByNumberAndAMissingOneIsNull() {
        Await.result(store.publish("{\"a\":1}", "ops", "one"));
        RulesVersion second = Await.result(store.publish("{\"a\":2}", "ops", "two"));
        Await.result(store.publish("{\"a\":3}", "ops", "three"));

        assertEquals(second, Await.result(store.version(2)));
        assertNull(Await.result(store.version(4)));
        assertNull(Await.result(store.version(0)));
        assertNull(Await.result(store.version(-1)));
    }

    @Test
    void publishIfEmptyOnAnEmptyStoreCreatesVersionOne() {
        List<RulesVersion> heard = listen(store);

        RulesVersion seeded = Await.result(store.publishIfEmpty("{\"seed\":true}", "gateway.yaml", "from config"));

        assertEquals(new RulesVersion(1, "gateway.yaml", START, "from config", "{\"seed\":true}"), seeded);
        assertEquals(seeded, Await.result(store.current()));
        awaitNoticesUpTo(store, 1);
        assertEquals(List.of(seeded), heard);
    }

    @Test
    void publishIfEmptyOnAStoreWithVersionsReturnsTheCurrentWithoutPublishing() {
        List<RulesVersion> heard = listen(store);
        Await.result(store.publish("{\"a\":1}", "ops", "one"));
        RulesVersion second = Await.result(store.publish("{\"a\":2}", "ops", "two"));

        RulesVersion result = Await.result(store.publishIfEmpty("{\"seed\":true}", "gateway.yaml", "from config"));

        assertEquals(second, result);
        assertEquals(2, Await.result(store.versions()).size());
        awaitNoticesUpTo(store, 2);
        assertEquals(List.of(1L, 2L), numbers(heard));
    }

    @Test
    void listenersGetEachNewVersionOnceInOrder() {
        List<RulesVersion> first = listen(store);
        List<RulesVersion> second = listen(store);

        for (int i = 1; i <= 3; i++) {
            Await.result(store.publish("{\"v\":" + i + "}", "ops", null));
        }

        awaitNoticesUpTo(store, 3);
        assertEquals(List.of(1L, 2L, 3L), numbers(first));
        assertEquals(first, second);
        List<RulesVersion> oldestFirst = new ArrayList<>(Await.result(store.versions()));
        Collections.reverse(oldestFirst);
        assertEquals(oldestFirst, first);
    }

    @Test
    void listenersAreCalledOnTheStoresContext() {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        store.onChange(version -> contexts.add(Vertx.currentContext()));

        Await.result(store.publish("{}", "ops", "from a test thread"));
        Await.result(runOnContext(() -> store.publish("{}", "ops", "from the context")));

        awaitNoticesUpTo(store, 2);
        assertEquals(2, contexts.size());
        contexts.forEach(called -> assertSame(context, called));
    }

    @Test
    void aFailingListenerNeitherFailsThePublishNorStopsTheOthers() {
        store.onChange(version -> {
            throw new IllegalStateException("listener bug");
        });
        List<RulesVersion> heard = listen(store);

        RulesVersion published = Await.result(store.publish("{}", "ops", "still works"));

        awaitNoticesUpTo(store, 1);
        assertEquals(List.of(published), heard);
    }

    @Test
    void theDocumentIsKeptVerbatim() {
        String document = "{\"rules\":[{\"id\":\"r/1\",\"note\":\"quote \\\" backslash \\\\ tab\\t\"}],"
                + "\"text\":\"ünïcødé — 日本語 🚀\",\"nl\":\"a\\nb\"}\n  trailing   ";

        RulesVersion published = Await.result(store.publish(document, "ops ✓", "comment with \"quotes\" and\nnewline"));

        assertEquals(document, published.document());
        assertEquals(published, Await.result(store.version(1)));
        assertEquals(published, Await.result(store.current()));
        assertEquals("ops ✓", published.author());
        assertEquals("comment with \"quotes\" and\nnewline", published.comment());
    }

    @Test
    void aMissingCommentIsStoredAsEmpty() {
        RulesVersion published = Await.result(store.publish("{}", "ops", null));

        assertEquals("", published.comment());
        assertEquals("", Await.result(store.version(1)).comment());
    }

    @Test
    void publishRefusesAMissingDocumentOrAuthorAtOnce() {
        assertThrows(NullPointerException.class, () -> store.publish(null, "ops", "c"));
        assertThrows(NullPointerException.class, () -> store.publish("{}", null, "c"));
        assertThrows(NullPointerException.class, () -> store.publishIfEmpty(null, "ops", "c"));
        assertTrue(Await.result(store.versions()).isEmpty());
    }

    protected static List<RulesVersion> listen(RulesStore store) {
        List<RulesVersion> heard = new CopyOnWriteArrayList<>();
        store.onChange(heard::add);
        return heard;
    }

    protected static List<Long> numbers(List<RulesVersion> versions) {
        return versions.stream().map(RulesVersion::version).toList();
    }

    private <T> Future<T> runOnContext(Supplier<Future<T>> work) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(ignored -> work.get().onComplete(promise));
        return promise.future();
    }
}
