package dev.loopgate.gateway.audit.writer;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit writer thread's work, one decision per wake-up: where the entries taken from the
 * queue go (the store or the spool), when the spool is replayed, and what a store call's
 * outcome changes. Store calls run one at a time on their own thread, so a store that hangs
 * never stops this loop from moving entries to disk. The one rule behind every branch: an
 * entry reaches the store only after every entry submitted before it, so nothing is sent
 * straight to the store while the spool holds anything, and nothing is spooled while a batch
 * that is not in the spool is with the store (that batch is spooled first, "in doubt"). A batch
 * the store failed is the spool's head and is retried as exactly the same batch, so a store
 * that can tell a batch it committed unseen (the JDBC store compares its chain head after a
 * failure) stores it once.
 */
final class WriterLoop {
    static final Duration RESERVATION_GRACE = Duration.ofSeconds(1);
    static final long FIRST_RETRY_NANOS = Duration.ofMillis(200).toNanos();
    static final long MAX_RETRY_NANOS = Duration.ofSeconds(5).toNanos();
    static final long CLOSING_POLL_NANOS = Duration.ofMillis(10).toNanos();
    static final int SPILL_CHUNK = 10_000;
    /** A slow store or bursts can start a spool episode every second; say so at most this often. */
    static final long EPISODE_LOG_NANOS = Duration.ofMinutes(1).toNanos();
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);

    private final AuditStore store;
    private final Spool spool;
    private final Path spoolDir;
    private final AuditWriter.Shared shared;
    private final ExecutorService storeCalls;
    private final long flushNanos;
    private final Runnable wake;
    /** Taken from the queue, oldest first, not yet with the store or in the spool. */
    private final ArrayDeque<AuditEntry> held = new ArrayDeque<>();
    private StoreCall inFlight;
    private long nextFlush;
    private boolean flushDue;
    private long retryAt;
    private long retryDelay = FIRST_RETRY_NANOS;
    /** Entries in the batch that failed last: the spool's head, retried as exactly that batch. */
    private int retrySize;
    private boolean storeFailing;
    private boolean spoolFailing;
    private long written;
    private long spooled;
    private long replayed;
    private long dropped;
    private String lastError;
    private long episodeLoggedAt;
    private boolean episodeLogged;

    WriterLoop(AuditStore store, Spool spool, Path spoolDir, AuditWriter.Shared shared, ExecutorService storeCalls,
            long flushNanos, Runnable wake) {
        this.store = store;
        this.spool = spool;
        this.spoolDir = spoolDir;
        this.shared = shared;
        this.storeCalls = storeCalls;
        this.flushNanos = flushNanos;
        this.wake = wake;
    }

    void run() {
        long start = System.nanoTime();
        nextFlush = start + flushNanos;
        retryAt = start;
        while (!shared.halted) {
            long now = System.nanoTime();
            boolean acted = finishStoreCall(now);
            drainQueue();
            if (now - nextFlush >= 0) {
                flushDue = true;
                nextFlush = now + flushNanos;
            }
            boolean closing = shared.closed;
            if (closing && now - shared.closeDeadline >= 0) {
                giveUp();
                publish();
                return;
            }
            acted |= moveHeld(now, closing);
            acted |= startReplay(now);
            publish();
            if (closing && shared.queued.get() == 0 && inFlight == null && spool.isEmpty()) {
                return;
            }
            if (!acted) {
                park(now, closing);
            }
        }
    }

    /** Makes what this thread counted visible to {@link AuditWriter#stats()}, all at once. */
    private void publish() {
        AuditWriter.Progress current = shared.progress;
        if (current.written() != written || current.spooled() != spooled || current.replayed() != replayed
                || current.spoolPending() != spool.pending() || current.dropped() != dropped
                || current.lastError() != lastError) {
            shared.progress = new AuditWriter.Progress(written, spooled, replayed, spool.pending(), dropped, lastError);
        }
    }

    /** After {@link #run} returns, on the writer thread: lets a store call finish, closes the spool. */
    void shutdown() {
        storeCalls.shutdown();
        try {
            spool.close();
        } catch (IOException e) {
            LOG.warn("closing the audit spool in {} failed", spoolDir, e);
        }
    }

    private boolean moveHeld(long now, boolean closing) {
        boolean overCapacity = shared.queued.get() > shared.queueCapacity;
        if (inFlight != null && !inFlight.replay && inFlight.unspooled()) {
            // Whatever is spooled now must follow that batch, so it goes into the spool first.
            boolean slow = now - inFlight.startedAt >= flushNanos;
            if (!slow && !overCapacity) {
                return false;
            }
            if (!spoolInDoubt()) {
                return false;
            }
            if (slow) {
                episode(now, "audit store has not acknowledged a batch for " + (now - inFlight.startedAt) / 1_000_000
                        + " ms; it and what follows go to the spool in " + spoolDir + " too");
            } else {
                burst(now);
            }
            return true;
        }
        if (held.isEmpty()) {
            flushDue = false;
            return false;
        }
        boolean due = flushDue || closing || overCapacity || held.size() >= shared.batchSize;
        if (!due) {
            return false;
        }
        boolean direct = inFlight == null && spool.isEmpty() && now - retryAt >= 0 && !overCapacity;
        if (direct) {
            inFlight = call(take(retrySize > 0 ? retrySize : shared.batchSize), false, now);
            flushDue &= !held.isEmpty();
            return true;
        }
        if (overCapacity && spool.isEmpty()) {
            burst(now);
        }
        return spill();
    }

    private void burst(long now) {
        episode(now, "audit queue over its capacity of " + shared.queueCapacity + " (" + shared.queued.get()
                + " entries); they go to the spool in " + spoolDir + " and on from there");
    }

    /** The spool starts filling for {@code why}: logged at most every {@link #EPISODE_LOG_NANOS}. */
    private void episode(long now, String why) {
        episodeLogged = episodeLoggedAt == 0 || now - episodeLoggedAt >= EPISODE_LOG_NANOS;
        if (episodeLogged) {
            episodeLoggedAt = now;
            LOG.warn(why);
        } else {
            LOG.debug(why);
        }
    }

    private boolean startReplay(long now) {
        if (inFlight != null || spool.isEmpty() || now - retryAt < 0) {
            return false;
        }
        Spool.Segment head;
        try {
            head = spool.readHead(retrySize > 0 ? retrySize : shared.batchSize);
        } catch (IOException e) {
            lastError = "reading the spool: " + e;
            LOG.error("cannot read the audit spool in {}; retrying", spoolDir, e);
            backOff(now);
            return false;
        }
        inFlight = call(head.entries(), true, now);
        inFlight.segment = head;
        return true;
    }

    private StoreCall call(List<AuditEntry> entries, boolean replay, long now) {
        return StoreCall.start(store, storeCalls, entries, replay, now, wake);
    }

    private boolean finishStoreCall(long now) {
        if (inFlight == null || !inFlight.isDone()) {
            return false;
        }
        StoreCall call = inFlight;
        inFlight = null;
        int count = call.entries.size();
        Throwable failure = call.failure();
        if (failure == null) {
            written += count;
            retryDelay = FIRST_RETRY_NANOS;
            retrySize = 0;
            if (storeFailing) {
                storeFailing = false;
                LOG.info("audit store is back; {} spooled entries to replay", spool.pending());
            }
            if (call.unspooled()) {
                shared.queued.addAndGet(-count);
            } else {
                acknowledge(call.segment);
                if (call.replay) {
                    replayed += count;
                    if (spool.isEmpty() && episodeLogged) {
                        LOG.info("audit spool drained: {} entries replayed since start", replayed);
                        episodeLogged = false;
                    }
                }
            }
        } else {
            lastError = StoreCall.describe(failure);
            if (!storeFailing) {
                storeFailing = true;
                episodeLogged = true;
                LOG.warn("audit store failed; entries go to the spool in {} until it is back", spoolDir, failure);
            }
            backOff(now);
            retrySize = count;
            if (call.unspooled()) {
                // Refused as a whole, and the spool was empty when it was sent: it goes first.
                if (!append(call.entries)) {
                    pushBack(call.entries);
                }
            }
        }
        return true;
    }

    private void acknowledge(Spool.Segment segment) {
        try {
            spool.acknowledge(segment);
        } catch (IOException e) {
            lastError = "recording replay progress in the spool: " + e;
            LOG.warn("cannot record replay progress in the audit spool {} (a crash now would replay those entries "
                    + "again)", spoolDir, e);
        }
    }

    /** The batch with the store is slow: copy it into the spool, where what follows it can go too. */
    private boolean spoolInDoubt() {
        StoreCall call = inFlight;
        try {
            call.segment = spool.append(call.entries);
        } catch (IOException e) {
            spoolFailed(e);
            return false;
        }
        shared.queued.addAndGet(-call.entries.size());
        spooled += call.entries.size();
        return true;
    }

    /** Moves every held entry to the spool, in chunks; false when the spool failed (they stay held). */
    private boolean spill() {
        while (!held.isEmpty()) {
            List<AuditEntry> chunk = take(SPILL_CHUNK);
            if (!append(chunk)) {
                pushBack(chunk);
                return false;
            }
        }
        flushDue = false;
        return true;
    }

    private boolean append(List<AuditEntry> entries) {
        try {
            spool.append(entries);
        } catch (IOException e) {
            spoolFailed(e);
            return false;
        }
        if (spoolFailing) {
            spoolFailing = false;
            LOG.info("audit spool in {} takes entries again", spoolDir);
        }
        shared.queued.addAndGet(-entries.size());
        spooled += entries.size();
        return true;
    }

    private void spoolFailed(IOException e) {
        lastError = "writing the spool: " + e;
        if (!spoolFailing) {
            spoolFailing = true;
            LOG.error("cannot write the audit spool in {}; {} entries wait in memory and are retried", spoolDir,
                    shared.queued.get(), e);
        }
    }

    /** The close timeout passed: everything still in memory goes to the spool for the next start. */
    private void giveUp() {
        if (inFlight != null && !inFlight.replay && inFlight.unspooled()) {
            spoolInDoubt();
        }
        long graceEnd = System.nanoTime() + RESERVATION_GRACE.toNanos();
        long lost = inFlight != null && inFlight.unspooled() ? inFlight.entries.size() : 0;
        while (true) {
            drainQueue();
            boolean spilled = spill();
            if (shared.queued.get() - lost <= 0 || !spilled || System.nanoTime() - graceEnd >= 0) {
                break;
            }
            LockSupport.parkNanos(this, 100_000);
        }
        long lostNow = shared.queued.get();
        if (lostNow > 0) {
            dropped += lostNow;
            LOG.error("audit writer closed with {} entries that neither the store nor the spool took: lost", lostNow);
        }
        LOG.warn("audit writer closed before the store took everything: {} entries stay in the spool in {} for "
                + "the next start", spool.pending(), spoolDir);
    }

    private void backOff(long now) {
        retryAt = now + retryDelay;
        retryDelay = Math.min(retryDelay * 2, MAX_RETRY_NANOS);
    }

    private void park(long now, boolean closing) {
        long wakeAt = nextFlush;
        if (inFlight != null && !inFlight.replay && inFlight.unspooled() && !spoolFailing) {
            wakeAt = earlier(wakeAt, inFlight.startedAt + flushNanos);
        }
        if (inFlight == null && retryAt - now > 0 && (!spool.isEmpty() || !held.isEmpty())) {
            wakeAt = earlier(wakeAt, retryAt);
        }
        if (closing) {
            wakeAt = earlier(earlier(wakeAt, shared.closeDeadline), now + CLOSING_POLL_NANOS);
        }
        LockSupport.parkNanos(this, Math.max(wakeAt - now, 1_000));
    }

    private void drainQueue() {
        for (AuditEntry entry; (entry = shared.queue.poll()) != null; ) {
            held.addLast(entry);
        }
    }

    private List<AuditEntry> take(int max) {
        List<AuditEntry> batch = new ArrayList<>(Math.min(max, held.size()));
        while (batch.size() < max && !held.isEmpty()) {
            batch.add(held.pollFirst());
        }
        return batch;
    }

    private void pushBack(List<AuditEntry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            held.addFirst(entries.get(i));
        }
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }
}
