package dev.loopgate.gateway.rules.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;

/**
 * Versioned routing-rules documents shared by every replica. Each publish is a new
 * immutable version that becomes current at once; every replica's listeners hear of it.
 * Futures complete, and listeners are called, on the Vert.x context that created the store.
 */
public interface RulesStore {
    /** The current version, or null when none was ever published. */
    Future<RulesVersion> current();

    /**
     * Stores a new version (number = previous highest + 1, atomically, even with several
     * replicas publishing at once), makes it current, and notifies every replica's listeners.
     * {@code comment} may be null (stored as "").
     */
    Future<RulesVersion> publish(String document, String author, String comment);

    /**
     * Publishes {@code document} as version 1 only if no version exists yet; returns
     * whichever version is current afterwards. Replicas starting together never create two
     * first versions.
     */
    Future<RulesVersion> publishIfEmpty(String document, String author, String comment);

    /** One version by number, or null. */
    Future<RulesVersion> version(long version);

    /** Every version, newest first. */
    Future<List<RulesVersion>> versions();

    /**
     * Called (on the store's context) with each version that becomes current, whoever
     * published it, including this replica's own publishes. Versions only move forward: a
     * listener never sees a version twice or an older one after a newer; under concurrent
     * publishes from several replicas it may skip an intermediate one. A version this
     * store's own {@link #current()} or {@link #publishIfEmpty} already returned counts as
     * seen.
     */
    void onChange(Consumer<RulesVersion> listener);

    /** Stops listening and releases connections; never blocks the caller. */
    Future<Void> close();
}
