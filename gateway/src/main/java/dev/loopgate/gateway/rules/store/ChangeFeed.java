package dev.loopgate.gateway.rules.store;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's listeners and the newest version they have seen. Every version a store
 * observes goes through {@link #offer}, which passes on only versions newer than the last
 * one, so duplicate or late news never moves a replica back. Offer only on the store's
 * context; listeners may be added from any thread.
 */
final class ChangeFeed {
    private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

    private final List<Consumer<RulesVersion>> listeners = new CopyOnWriteArrayList<>();
    private long lastSeen;

    void add(Consumer<RulesVersion> listener) {
        if (listener == null) {
            throw new NullPointerException("listener");
        }
        listeners.add(listener);
    }

    void clear() {
        listeners.clear();
    }

    boolean isNewer(long version) {
        return version > lastSeen;
    }

    /** Calls every listener with {@code version} if it is newer than any seen; a failing listener does not stop the rest. */
    void offer(RulesVersion version) {
        if (version == null || !isNewer(version.version())) {
            return;
        }
        lastSeen = version.version();
        for (Consumer<RulesVersion> listener : listeners) {
            try {
                listener.accept(version);
            } catch (RuntimeException e) {
                LOG.error("a rules change listener failed on version {}", version.version(), e);
            }
        }
    }
}
