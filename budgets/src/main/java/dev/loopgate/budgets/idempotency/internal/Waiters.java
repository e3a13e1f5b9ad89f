package dev.loopgate.budgets.idempotency.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Claims of this process waiting for a running call, by scope hash. A claim registers before it
 * looks at Redis, so an "ended" message that arrives while it looks is not lost: its signal is
 * then already complete and it looks again at once.
 */
final class Waiters {
    private final ConcurrentHashMap<String, List<CompletableFuture<Void>>> byScope = new ConcurrentHashMap<>();

    CompletableFuture<Void> register(String scopeHash) {
        CompletableFuture<Void> signal = new CompletableFuture<>();
        byScope.compute(scopeHash, (hash, signals) -> {
            List<CompletableFuture<Void>> list = signals == null ? new CopyOnWriteArrayList<>() : signals;
            list.add(signal);
            return list;
        });
        return signal;
    }

    void unregister(String scopeHash, CompletableFuture<Void> signal) {
        byScope.computeIfPresent(scopeHash, (hash, signals) -> {
            signals.remove(signal);
            return signals.isEmpty() ? null : signals;
        });
    }

    /** Wakes every claim waiting on {@code scopeHash}. */
    void signal(String scopeHash) {
        List<CompletableFuture<Void>> signals = byScope.remove(scopeHash);
        if (signals != null) {
            signals.forEach(signal -> signal.complete(null));
        }
    }

    void signalAll() {
        byScope.keySet().forEach(this::signal);
    }

    int count() {
        return byScope.values().stream().mapToInt(List::size).sum();
    }
}
