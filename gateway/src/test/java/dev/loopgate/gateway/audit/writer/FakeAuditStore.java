package dev.loopgate.gateway.audit.writer;

import dev.loopgate.budgets.ledger.LedgerSnapshot;
import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.LoopReport;
import dev.loopgate.gateway.audit.RecordedTraffic;
import dev.loopgate.gateway.audit.SpendQuery;
import dev.loopgate.gateway.audit.SpendReport;
import dev.loopgate.gateway.audit.VerifyReport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** An audit store that records each batch and can be made to fail or to hang until released. */
final class FakeAuditStore implements AuditStore {
    private final List<List<AuditEntry>> batches = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile boolean failing;
    private volatile CountDownLatch gate;

    /** From now on every append throws, writing nothing (or, with false, works again). */
    void failing(boolean fail) {
        this.failing = fail;
    }

    /** From now on every append waits until {@link #release}: a store that does not answer. */
    void hang() {
        gate = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch current = gate;
        gate = null;
        if (current != null) {
            current.countDown();
        }
    }

    /** Appends that are waiting in {@link #hang}. */
    int waiting() {
        return waiting.get();
    }

    int failures() {
        return failures.get();
    }

    synchronized List<List<AuditEntry>> batches() {
        return List.copyOf(batches);
    }

    synchronized List<AuditEntry> entries() {
        List<AuditEntry> all = new ArrayList<>();
        batches.forEach(all::addAll);
        return all;
    }

    synchronized int size() {
        return batches.stream().mapToInt(List::size).sum();
    }

    @Override
    public void append(List<AuditEntry> entries) {
        CountDownLatch current = gate;
        if (current != null) {
            waiting.incrementAndGet();
            try {
                if (!current.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("fake store: never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("fake store: interrupted", e);
            } finally {
                waiting.decrementAndGet();
            }
        }
        if (failing) {
            failures.incrementAndGet();
            throw new IllegalStateException("fake store: down");
        }
        synchronized (this) {
            batches.add(List.copyOf(entries));
        }
    }

    @Override
    public VerifyReport verify() {
        throw new UnsupportedOperationException();
    }

    @Override
    public long purge(long beforeMillis) {
        throw new UnsupportedOperationException();
    }

    @Override
    public long count() {
        return size();
    }

    @Override
    public SpendReport spend(SpendQuery query) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LoopReport loop(String loopId, long fromMillis, long toMillis) {
        throw new UnsupportedOperationException();
    }

    @Override
    public RecordedTraffic recordedCalls(long fromMillis, long toMillis, int limit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public LedgerSnapshot ledgerHistory(long nowMillis) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
