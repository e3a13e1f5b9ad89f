package dev.loopgate.gateway.audit.writer;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audit off the hot path, nothing lost: {@link #submit} queues an entry without ever blocking
 * (callers are event loops); one dedicated thread writes the queue to the {@link AuditStore}
 * in batches of up to {@code batchSize}, one transaction each, at least every
 * {@code flushInterval}.
 *
 * <h2>When the store fails or is slow</h2>
 * A batch the store refuses, and every entry after it, goes to a local append-only spool
 * ({@link Spool}, forced to disk per batch) instead, so the store's order is the submission
 * order. So does a batch the store has not acknowledged within one flush interval (it is
 * spooled "in doubt" while the store call goes on; if that call then succeeds, the spooled
 * copy is skipped). The store is retried with backoff (200 ms doubling to 5 s); once it takes a
 * batch again, the spool is replayed into it, oldest first, a batch per transaction, and each
 * replayed batch is removed from the spool only after the store acknowledged it. Only when the
 * spool is empty do queued entries go straight to the store again. A spool left by an earlier
 * run (a crash) is replayed first, before anything this run submits.
 *
 * <h2>A burst larger than the queue</h2>
 * {@code queueCapacity} bounds what the writer keeps in memory waiting for the store, not what
 * {@link #submit} accepts: an entry that finds the queue full is still queued (a lock-free
 * linked queue; counted in {@link Stats#overflowed()}) and wakes the writer, which then moves
 * everything queued to the spool at once, without waiting for the store, and replays it from
 * there. So a burst costs memory only for as long as a local file append takes, an event
 * loop never waits, and no entry is dropped.
 *
 * <h2>What a crash can lose</h2>
 * {@code kill -9} (or a power loss) loses only entries still in memory: submitted, but neither
 * acknowledged by the store nor forced into the spool ({@link Stats#queued()}). What survives is
 * always a prefix of the queue's order (each caller's own order included), never one with a
 * hole. The writer takes the queue at least
 * every flush interval, so while the store commits a batch within the interval the loss is at
 * most one flush interval's worth of submissions (200 ms; less when {@code batchSize} fills
 * sooner) plus the batch being committed. A store call that has run for one flush interval is
 * copied into the spool with everything behind it, so with a slow store (not a failing one) the
 * worst case is about three intervals' worth. A burst beyond {@code queueCapacity} is spooled as
 * soon as the writer sees it.
 *
 * <h2>Duplicates</h2>
 * Replay is at least once. A batch the store failed is retried as exactly the same batch, so a
 * store that recognises a batch it committed unseen (the JDBC store does, from its chain head,
 * e.g. when the connection drops during COMMIT) stores it once. A batch can reach the store
 * twice only across a crash or a timed-out close: the process stopped after the store committed
 * a batch from the spool and before the spool recorded that (the offset file is replaced
 * atomically right after each acknowledgement: a window of one small file write), or while a
 * store call older than one flush interval (its batch in the spool "in doubt") was still open
 * and that call went on to commit.
 *
 * <p>{@link #close} stops accepting, writes everything queued and spooled into the store and
 * stops, within a timeout; what the store has not taken by then stays in the spool for the
 * next start. It does not close the store, which belongs to the caller.
 */
public final class AuditWriter implements AutoCloseable {
    public static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

    /**
     * What the writer has done since it started.
     *
     * @param queued       entries in memory only: submitted, not yet in the store or the spool
     * @param overflowed   submissions that found {@code queueCapacity} entries already queued
     * @param written      entries the store acknowledged (replayed ones included)
     * @param spooled      entries written to the spool (in-doubt copies of slow batches included)
     * @param replayed     spooled entries the store acknowledged
     * @param spoolPending entries in the spool that the store has not acknowledged yet
     * @param dropped      entries lost: 0, unless the store and the spool both failed until close
     * @param lastError    the last store or spool failure, or null
     */
    public record Stats(long queued, long overflowed, long written, long spooled, long replayed,
            long spoolPending, long dropped, String lastError) {
    }

    private final Shared shared;
    private final WriterLoop loop;
    private final Thread thread;

    /**
     * Opens (and locks) the spool in {@code spoolDir} and starts the writer thread; a spool from
     * an earlier run goes to the store first.
     *
     * @param queueCapacity entries kept in memory for the store before a burst goes to the spool, e.g. 100_000
     * @param flushInterval longest wait before queued entries are written, e.g. 200 ms
     * @param batchSize     most entries per store transaction, e.g. 500
     */
    public AuditWriter(AuditStore store, Path spoolDir, int queueCapacity, Duration flushInterval, int batchSize) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(spoolDir, "spoolDir");
        if (queueCapacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("queueCapacity and batchSize must be at least 1");
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flushInterval must be positive");
        }
        Spool spool;
        try {
            spool = Spool.open(spoolDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit spool in " + spoolDir, e);
        }
        this.shared = new Shared(queueCapacity, batchSize);
        this.thread = new Thread(this::run, "loopgate-audit-writer");
        this.thread.setDaemon(true);
        ExecutorService storeCalls = Executors.newSingleThreadExecutor(task -> {
            Thread storeThread = new Thread(task, "loopgate-audit-store");
            storeThread.setDaemon(true);
            return storeThread;
        });
        this.loop = new WriterLoop(store, spool, spoolDir, shared, storeCalls, flushInterval.toNanos(),
                () -> LockSupport.unpark(thread));
        shared.progress = new Progress(0, 0, 0, spool.pending(), 0, null);
        thread.start();
    }

    /**
     * Queues {@code entry} and returns at once: never blocks, never drops. When the queue holds
     * {@code queueCapacity} entries already, the entry is queued all the same, counted as
     * overflowed, and the writer moves the backlog to the spool (see the class doc).
     *
     * @throws IllegalStateException after {@link #close}: nothing could write it any more
     */
    public void submit(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        long queued = shared.queued.incrementAndGet();
        if (shared.closed) {
            shared.queued.decrementAndGet();
            throw new IllegalStateException("the audit writer is closed");
        }
        shared.queue.offer(entry);
        if (queued > shared.queueCapacity) {
            shared.overflowed.increment();
        }
        if (queued == shared.batchSize || queued == shared.queueCapacity + 1L) {
            LockSupport.unpark(thread);
        }
    }

    public Stats stats() {
        Progress p = shared.progress;
        return new Stats(shared.queued.get(), shared.overflowed.sum(), p.written(), p.spooled(), p.replayed(),
                p.spoolPending(), p.dropped(), p.lastError());
    }

    /** {@link #close(Duration)} with {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        close(CLOSE_TIMEOUT);
    }

    /**
     * Stops accepting entries, writes everything queued and spooled into the store (the spool
     * first, in order), then stops the writer. Returns within about {@code timeout}: whatever the
     * store has not acknowledged by then is left in the spool, forced to disk, for the next start.
     */
    public void close(Duration timeout) {
        synchronized (shared) {
            if (!shared.closed) {
                shared.closeDeadline = System.nanoTime() + timeout.toNanos();
                shared.closed = true;
            }
        }
        LockSupport.unpark(thread);
        join(timeout.plus(WriterLoop.RESERVATION_GRACE).plusSeconds(5));
    }

    /**
     * What {@code kill -9} does to this writer, for tests: the thread stops where it is, nothing
     * queued is written or spooled, the spool is closed (unlocked) as the OS would on exit.
     */
    void halt() {
        synchronized (shared) {
            shared.halted = true;
            shared.closed = true;
        }
        LockSupport.unpark(thread);
        join(Duration.ofSeconds(30));
    }

    private void join(Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.error("the audit writer did not stop within {} ms", timeout.toMillis());
        }
    }

    private void run() {
        try {
            loop.run();
        } catch (Throwable t) {
            LOG.error("the audit writer stopped on an unexpected error; {} entries were still in memory",
                    shared.queued.get(), t);
            Progress p = shared.progress;
            shared.progress = new Progress(p.written(), p.spooled(), p.replayed(), p.spoolPending(), p.dropped(),
                    String.valueOf(t));
        } finally {
            loop.shutdown();
        }
    }

    /** What the writer thread counted, as of one moment. */
    record Progress(long written, long spooled, long replayed, long spoolPending, long dropped, String lastError) {
    }

    /** State shared by the callers, the writer thread and {@link #stats()}. */
    static final class Shared {
        final ConcurrentLinkedQueue<AuditEntry> queue = new ConcurrentLinkedQueue<>();
        /** Reserved by {@link #submit} before it checks {@code closed}; released when durable. */
        final AtomicLong queued = new AtomicLong();
        final LongAdder overflowed = new LongAdder();
        final int queueCapacity;
        final int batchSize;
        volatile boolean closed;
        volatile boolean halted;
        volatile long closeDeadline;
        /** The writer thread's counters, replaced as a whole so {@link #stats()} reads one moment. */
        volatile Progress progress;

        Shared(int queueCapacity, int batchSize) {
            this.queueCapacity = queueCapacity;
            this.batchSize = batchSize;
        }
    }
}
