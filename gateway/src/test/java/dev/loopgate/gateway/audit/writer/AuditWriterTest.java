package dev.loopgate.gateway.audit.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditWriterTest {
    static final Duration FLUSH = Duration.ofMillis(200);
    static final Duration NEVER = Duration.ofHours(1);

    @TempDir
    Path spoolDir;

    final FakeAuditStore store = new FakeAuditStore();
    final List<AuditWriter> writers = new ArrayList<>();

    @AfterEach
    void closeWriters() {
        store.release();
        store.failing(false);
        writers.forEach(writer -> writer.close(Duration.ofSeconds(5)));
    }

    @Test
    void entriesFewerThanABatchAreWrittenWithinAFlushInterval() {
        AuditWriter writer = writer(store, 1_000, FLUSH, 500);

        submit(writer, 1, 3);

        awaitStats(writer, s -> s.written() == 3, "3 written");
        assertEquals(Entries.ids(Entries.numbered(1, 3)), Entries.ids(store.entries()));
        assertEquals(0, writer.stats().queued());
    }

    @Test
    void fullBatchesAreWrittenWithoutWaitingForTheFlushInterval() {
        AuditWriter writer = writer(store, 1_000, NEVER, 10);

        submit(writer, 1, 25);

        awaitStats(writer, s -> s.written() == 20, "two full batches written");
        assertEquals(List.of(10, 10), store.batches().stream().map(List::size).toList());
        assertEquals(5, writer.stats().queued(), "the rest waits for the interval");

        writer.close();
        assertEquals(Entries.ids(Entries.numbered(1, 25)), Entries.ids(store.entries()));
    }

    @Test
    void orderIsKeptAcrossAStoreOutage() {
        AuditWriter writer = writer(store, 100_000, Duration.ofMillis(20), 50);

        submit(writer, 1, 1_000);
        awaitStats(writer, s -> s.written() == 1_000, "the first 1000 written");
        store.failing(true);
        for (long n = 1_001; n <= 3_000; n++) {
            writer.submit(Entries.numbered(n));
            if (n == 1_500) {
                awaitStats(writer, s -> s.spoolPending() > 0 && store.failures() >= 2, "the store failing twice");
            }
        }
        awaitStats(writer, s -> s.queued() == 0, "everything spooled while the store is down");
        assertEquals(2_000, writer.stats().spoolPending());
        store.failing(false);
        submit(writer, 3_001, 4_000);

        awaitStats(writer, s -> s.written() == 4_000, "all 4000 written");
        assertEquals(Entries.ids(Entries.numbered(1, 4_000)), Entries.ids(store.entries()));
        AuditWriter.Stats stats = writer.stats();
        assertEquals(0, stats.spoolPending());
        assertTrue(stats.replayed() >= 2_000, stats::toString);
        assertTrue(stats.spooled() >= stats.replayed(), stats::toString);
        assertNotNull(stats.lastError());
        assertEquals(0, stats.dropped());
    }

    @Test
    void aStoreThatDoesNotAnswerSendsLaterEntriesToTheSpoolAndWritesEachOnce() {
        AuditWriter writer = writer(store, 100_000, FLUSH, 100);
        store.hang();

        submit(writer, 1, 1_000);

        awaitStats(writer, s -> s.queued() == 0 && s.spooled() == 1_000,
                "every entry in the spool, the batch with the store included");
        assertEquals(1, store.waiting());
        store.release();

        awaitStats(writer, s -> s.written() == 1_000 && s.spoolPending() == 0, "all written, the spool drained");
        assertEquals(Entries.ids(Entries.numbered(1, 1_000)), Entries.ids(store.entries()),
                "the in-doubt copy of the slow batch is skipped once the store acknowledges it");
        assertEquals(900, writer.stats().replayed());
    }

    @Test
    void aSlowBatchThatThenFailsIsReplayedBeforeWhatFollowedIt() {
        AuditWriter writer = writer(store, 100_000, FLUSH, 100);
        store.hang();
        submit(writer, 1, 1_000);
        awaitStats(writer, s -> s.spooled() == 1_000, "every entry in the spool");

        store.failing(true);
        store.release();
        awaitStats(writer, s -> store.failures() >= 1, "the slow batch failing");
        store.failing(false);

        awaitStats(writer, s -> s.written() == 1_000 && s.spoolPending() == 0, "all written");
        assertEquals(Entries.ids(Entries.numbered(1, 1_000)), Entries.ids(store.entries()));
    }

    @Test
    void aSpoolLeftByACrashIsReplayedBeforeNewEntries() {
        FakeAuditStore down = new FakeAuditStore();
        down.failing(true);
        AuditWriter crashed = new AuditWriter(down, spoolDir, 100_000, FLUSH, 50);
        submit(crashed, 1, 500);
        awaitStats(crashed, s -> s.spoolPending() == 500 && s.queued() == 0, "500 entries in the spool");
        crashed.halt();

        AuditWriter restarted = writer(store, 100_000, FLUSH, 50);
        submit(restarted, 501, 600);

        awaitStats(restarted, s -> s.written() == 600 && s.spoolPending() == 0, "the spool replayed, then the rest");
        assertEquals(Entries.ids(Entries.numbered(1, 600)), Entries.ids(store.entries()));
        assertTrue(restarted.stats().replayed() >= 500, () -> restarted.stats().toString());
    }

    @Test
    void aCrashLosesOnlyTheEntriesStillInMemory() {
        AuditWriter crashed = new AuditWriter(store, spoolDir, 100_000, NEVER, 10);
        submit(crashed, 1, 25);
        awaitStats(crashed, s -> s.written() == 20, "two full batches written");
        assertEquals(5, crashed.stats().queued(), "what a kill -9 would lose now");
        crashed.halt();

        AuditWriter restarted = writer(store, 100_000, FLUSH, 10);
        restarted.close();

        assertEquals(Entries.ids(Entries.numbered(1, 20)), Entries.ids(store.entries()));
    }

    @Test
    void closeWritesEverythingQueuedAndSpooled() {
        AuditWriter writer = new AuditWriter(store, spoolDir, 100_000, NEVER, 100);
        store.failing(true);
        submit(writer, 1, 1_000);
        awaitStats(writer, s -> s.spoolPending() > 0, "a failed batch spooled");
        submit(writer, 1_001, 1_050);
        store.failing(false);

        writer.close();

        assertEquals(Entries.ids(Entries.numbered(1, 1_050)), Entries.ids(store.entries()));
        AuditWriter.Stats stats = writer.stats();
        assertEquals(0, stats.spoolPending());
        assertEquals(0, stats.queued());
        assertThrows(IllegalStateException.class, () -> writer.submit(Entries.numbered(1_051)));
    }

    @Test
    void closeWithTheStoreDownLeavesEverythingInTheSpoolForTheNextStart() {
        FakeAuditStore down = new FakeAuditStore();
        down.failing(true);
        AuditWriter writer = new AuditWriter(down, spoolDir, 100_000, FLUSH, 100);
        submit(writer, 1, 300);

        writer.close(Duration.ofMillis(500));

        AuditWriter.Stats stats = writer.stats();
        assertEquals(300, stats.spoolPending(), stats::toString);
        assertEquals(0, stats.queued());
        assertEquals(0, stats.dropped());
        AuditWriter next = writer(store, 100_000, FLUSH, 100);
        next.close();
        assertEquals(Entries.ids(Entries.numbered(1, 300)), Entries.ids(store.entries()));
    }

    @Test
    void closeWhileTheStoreHangsSpoolsTheBatchItHolds() {
        AuditWriter writer = new AuditWriter(store, spoolDir, 100_000, NEVER, 100);
        store.hang();
        submit(writer, 1, 100);
        Poll.until(Poll.WAIT, () -> store.waiting() == 1);

        writer.close(Duration.ofMillis(300));

        assertEquals(100, writer.stats().spoolPending(), () -> writer.stats().toString());
        assertEquals(0, writer.stats().queued());
    }

    @Test
    void aBurstLargerThanTheQueueKeepsEveryEntryInOrder() throws InterruptedException {
        AuditWriter writer = writer(store, 100, FLUSH, 50);
        store.hang();
        int threads = 4;
        int perThread = 5_000;
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String source = "t" + t;
            submitters.add(new Thread(() -> {
                for (long n = 1; n <= perThread; n++) {
                    writer.submit(Entries.numbered(source, n));
                }
            }));
        }
        submitters.forEach(Thread::start);
        for (Thread submitter : submitters) {
            submitter.join(TimeUnit.SECONDS.toMillis(30));
            assertTrue(!submitter.isAlive(), "submit never blocks, even with the store stuck");
        }

        awaitStats(writer, s -> s.queued() == 0, "the whole burst in the spool while the store is stuck");
        AuditWriter.Stats stuck = writer.stats();
        assertTrue(stuck.overflowed() > 0, stuck::toString);
        assertEquals(threads * perThread, stuck.spooled());
        store.release();

        awaitStats(writer, s -> s.written() == threads * perThread && s.spoolPending() == 0, "the burst written");
        Map<String, Long> last = new HashMap<>();
        for (AuditEntry entry : store.entries()) {
            String[] id = entry.requestId().split("-");
            long n = Long.parseLong(id[1]);
            assertEquals(last.getOrDefault(id[0], 0L) + 1, n, "per submitter, in order, once: " + entry.requestId());
            last.put(id[0], n);
        }
        assertEquals(threads * perThread, store.size());
    }

    @Test
    void aSecondWriterOnTheSameSpoolIsRefused() {
        writer(store, 100, FLUSH, 10);

        assertThrows(IllegalStateException.class, () -> new AuditWriter(store, spoolDir, 100, FLUSH, 10));
    }

    private AuditWriter writer(FakeAuditStore target, int capacity, Duration flush, int batch) {
        AuditWriter writer = new AuditWriter(target, spoolDir, capacity, flush, batch);
        writers.add(writer);
        return writer;
    }

    private static void submit(AuditWriter writer, long from, long to) {
        for (long n = from; n <= to; n++) {
            writer.submit(Entries.numbered(n));
        }
    }

    static void awaitStats(AuditWriter writer, Predicate<AuditWriter.Stats> condition, String what) {
        if (!Poll.until(Poll.WAIT, () -> condition.test(writer.stats()))) {
            throw new AssertionError("timed out waiting for " + what + "; stats: " + writer.stats());
        }
    }
}
