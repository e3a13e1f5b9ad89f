package dev.loopgate.gateway.auth;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** The keys of one gateway process, for a gateway without Redis. */
public final class InMemoryKeyStore implements KeyStore {
    private final Map<String, RuntimeKey> keys = new LinkedHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public CompletionStage<Void> create(RuntimeKey key) {
        synchronized (this) {
            if (keys.values().stream().anyMatch(stored -> stored.name().equals(key.name()))) {
                return CompletableFuture.failedFuture(new KeyNameTakenException(key.name()));
            }
            keys.put(key.id(), key);
        }
        changed();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> replace(RuntimeKey key) {
        boolean replaced;
        synchronized (this) {
            replaced = keys.replace(key.id(), key) != null;
        }
        if (replaced) {
            changed();
        }
        return CompletableFuture.completedFuture(replaced);
    }

    @Override
    public CompletionStage<Boolean> remove(String id) {
        boolean removed;
        synchronized (this) {
            removed = keys.remove(id) != null;
        }
        if (removed) {
            changed();
        }
        return CompletableFuture.completedFuture(removed);
    }

    @Override
    public synchronized CompletionStage<List<RuntimeKey>> all() {
        return CompletableFuture.completedFuture(new ArrayList<>(keys.values()));
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        listeners.clear();
    }

    private void changed() {
        listeners.forEach(Runnable::run);
    }
}
