package dev.loopgate.gateway.audit.store;

import static dev.loopgate.gateway.audit.store.Calls.HOUR;
import static dev.loopgate.gateway.audit.store.Calls.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.VerifyReport;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The audit store's schema, hash chain, verify, purge and atomicity, on every database. */
abstract class AuditStoreChainContract extends AuditStoreTestBase {

    @Test
    void openingTwiceAppliesTheMigrationsOnce() {
        open("a").close();
        AuditStore again = open("a");
        assertEquals(List.of(1L, 2L), queryLongs("SELECT version FROM schema_version ORDER BY version"));
        assertEquals(0, again.count());
    }

    @Test
    void storesOpeningAtOnceMigrateTheSchemaOnce() throws Exception {
        int replicas = 4;
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        CyclicBarrier start = new CyclicBarrier(replicas);
        List<Future<AuditStore>> opening = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            String chain = "replica-" + i;
            opening.add(pool.submit(() -> {
                start.await();
                return AuditStores.open(url, chain);
            }));
        }
        List<AuditStore> stores = new ArrayList<>();
        try {
            for (Future<AuditStore> store : opening) {
                stores.add(store.get(30, TimeUnit.SECONDS));
            }
            for (AuditStore store : stores) {
                store.append(calls(2, T0, 1));
            }
        } finally {
            pool.shutdown();
            stores.forEach(AuditStore::close);
        }
        assertEquals(List.of(1L, 2L), queryLongs("SELECT version FROM schema_version ORDER BY version"));
        assertEquals(2L * replicas, queryLong("SELECT COUNT(*) FROM audit_log"));
    }

    @Test
    void appendedRowsAreCountedAndLinkedFromTheGenesis() {
        AuditStore store = open("a");
        store.append(calls(3, T0, 1));
        assertEquals(3, store.count());
        List<List<Object>> rows = query("SELECT seq, prev_hash, hash FROM audit_log WHERE chain_id = 'a' ORDER BY seq");
        assertEquals(List.of(1L, 2L, 3L), rows.stream().map(r -> ((Number) r.get(0)).longValue()).toList());
        assertEquals(RowHash.GENESIS, rows.get(0).get(1));
        assertEquals(rows.get(0).get(2), rows.get(1).get(1));
        assertEquals(rows.get(1).get(2), rows.get(2).get(1));
        assertTrue(store.verify().intact());
    }

    @Test
    void chainContinuesAcrossReopen() {
        open("a").append(calls(2, T0, 1));
        closeStores();
        AuditStore reopened = open("a");
        reopened.append(calls(3, T0 + 10, 1));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L),
                queryLongs("SELECT seq FROM audit_log WHERE chain_id = 'a' ORDER BY seq"));
        VerifyReport report = reopened.verify();
        assertTrue(report.intact(), report.toString());
        assertEquals(5, report.rowsChecked());
    }

    @Test
    void interleavedChainsOfTwoInstancesBothVerify() {
        AuditStore a = open("gateway-a");
        AuditStore b = open("gateway-b");
        for (int i = 0; i < 5; i++) {
            a.append(calls(3, T0 + i, 1));
            b.append(calls(2, T0 + i, 1));
        }
        VerifyReport report = a.verify();
        assertTrue(report.intact(), report.toString());
        assertEquals(2, report.chains());
        assertEquals(25, report.rowsChecked());
    }

    @Test
    void rowsWithNullsAdminActionsAndUnusualTextVerify() {
        AuditStore store = open("a");
        store.append(List.of(
                Calls.call(T0).loop(null).run(null).step(null).tier(null).rule(null).model(null).provider(null)
                        .status(401).build(),
                Calls.call(T0 + 1).content("").role("").build(),
                Calls.call(T0 + 2).content("naïve 日本語 🚀 \"quoted\" ;-- \n\t\0 nul and a lone \uD800 surrogate").build(),
                AuditEntry.admin(T0 + 3, "loop.resume", "ops", "build-1", "{\"reason\":\"fixed the prompt\"}")));
        VerifyReport report = store.verify();
        assertTrue(report.intact(), report.toString());
        assertEquals(4, report.rowsChecked());
    }

    @Test
    void editedCostIsNamedAsAnEditedRow() {
        AuditStore store = open("a");
        store.append(calls(10, T0, 1));
        execute("UPDATE audit_log SET cost_nanos = cost_nanos + 1 WHERE chain_id = 'a' AND seq = 4");
        assertBreak(store.verify(), "a", idOf("a", 4), 4, "edited");
    }

    @Test
    void editedAndReHashedRowIsNamedThroughItsSuccessor() throws Exception {
        AuditStore store = open("a");
        store.append(calls(10, T0, 1));
        execute("UPDATE audit_log SET cost_nanos = 0 WHERE chain_id = 'a' AND seq = 4");
        try (Connection connection = DriverManager.getConnection(url);
                PreparedStatement select = connection.prepareStatement("SELECT prev_hash, "
                        + AuditColumns.NAMES + " FROM audit_log WHERE chain_id = 'a' AND seq = 4");
                ResultSet row = select.executeQuery()) {
            row.next();
            String forged = RowHash.of("a", 4, AuditColumns.read(row, 2), row.getString(1));
            execute("UPDATE audit_log SET hash = ? WHERE chain_id = 'a' AND seq = 4", forged);
        }
        assertBreak(store.verify(), "a", idOf("a", 4), 4, "edited");
    }

    @Test
    void deletedRowIsNamedByTheRowAfterTheGap() {
        AuditStore store = open("a");
        store.append(calls(10, T0, 1));
        execute("DELETE FROM audit_log WHERE chain_id = 'a' AND seq = 5");
        assertBreak(store.verify(), "a", idOf("a", 6), 6, "deleted");
    }

    @Test
    void rowsSwappedBySeqAreNamedAsReordered() {
        AuditStore store = open("a");
        store.append(calls(10, T0, 1));
        long seventh = idOf("a", 7);
        execute("UPDATE audit_log SET seq = -1 WHERE chain_id = 'a' AND seq = 3");
        execute("UPDATE audit_log SET seq = 3 WHERE chain_id = 'a' AND seq = 7");
        execute("UPDATE audit_log SET seq = 7 WHERE chain_id = 'a' AND seq = -1");
        assertBreak(store.verify(), "a", seventh, 3, "reordered");
    }

    @Test
    void rowsSwappedByContentAreNamedAsReordered() {
        AuditStore store = open("a");
        store.append(calls(10, T0, 1));
        swapContents("a", 5, 6);
        assertBreak(store.verify(), "a", idOf("a", 5), 5, "reordered");
    }

    @Test
    void tamperingWithOneChainLeavesTheOtherIntact() {
        AuditStore a = open("a");
        AuditStore b = open("b");
        a.append(calls(5, T0, 1));
        b.append(calls(5, T0, 1));
        execute("UPDATE audit_log SET loop_id = 'someone-else' WHERE chain_id = 'b' AND seq = 2");
        VerifyReport report = a.verify();
        assertEquals(1, report.breaks().size(), report.toString());
        assertBreak(report, "b", idOf("b", 2), 2, "edited");
    }

    @Test
    void purgeLeavesACheckpointSoTheRestVerifies() {
        AuditStore store = open("a");
        store.append(calls(10, T0, HOUR));
        assertEquals(5, store.purge(T0 + 5 * HOUR));
        assertEquals(5, store.count());
        assertEquals(List.of(List.of(5L, T0 + 5 * HOUR)), query(
                "SELECT seq, purged_before_ms FROM audit_checkpoint WHERE chain_id = 'a'").stream()
                .map(row -> row.stream().map(v -> ((Number) v).longValue()).toList()).toList());
        store.append(calls(2, T0 + 20 * HOUR, 1));
        VerifyReport report = store.verify();
        assertTrue(report.intact(), report.toString());
        assertEquals(7, report.rowsChecked());
        assertEquals(0, store.purge(T0 + 5 * HOUR), "nothing older is left");
    }

    @Test
    void chainPurgedToTheLastRowContinuesFromItsCheckpoint() {
        open("a").append(calls(4, T0, 1));
        closeStores();
        AuditStore store = open("a");
        assertEquals(4, store.purge(T0 + HOUR));
        closeStores();
        AuditStore reopened = open("a");
        reopened.append(calls(2, T0 + 2 * HOUR, 1));
        assertEquals(List.of(5L, 6L), queryLongs("SELECT seq FROM audit_log ORDER BY seq"));
        assertTrue(reopened.verify().intact());
    }

    @Test
    void purgeTakesOnlyAWholePrefixOfEachChain() {
        AuditStore store = open("a");
        long old = T0;
        long recent = T0 + 10 * HOUR;
        store.append(Stream.of(old, old, recent, old, recent).map(at -> Calls.call(at).build()).toList());
        assertEquals(2, store.purge(T0 + HOUR));
        assertEquals(List.of(3L, 4L, 5L), queryLongs("SELECT seq FROM audit_log ORDER BY seq"));
        assertTrue(store.verify().intact());
    }

    @Test
    void tamperingAfterAPurgeIsStillCaught() {
        AuditStore a = open("a");
        AuditStore b = open("b");
        AuditStore c = open("c");
        for (AuditStore store : List.of(a, b, c)) {
            store.append(calls(10, T0, HOUR));
        }
        assertEquals(15, a.purge(T0 + 5 * HOUR));
        assertTrue(a.verify().intact());
        execute("DELETE FROM audit_checkpoint WHERE chain_id = 'a'");
        execute("UPDATE audit_log SET cost_nanos = 1 WHERE chain_id = 'b' AND seq = 8");
        execute("DELETE FROM audit_log WHERE chain_id = 'c' AND seq = 6");
        VerifyReport report = a.verify();
        assertEquals(3, report.breaks().size(), report.toString());
        assertBreak(report, "a", idOf("a", 6), 6, "deleted");
        assertBreak(report, "b", idOf("b", 8), 8, "edited");
        assertBreak(report, "c", idOf("c", 7), 7, "deleted");
    }

    @Test
    void failedBatchStoresNothingAndKeepsTheChainHead() {
        AuditStore store = open("a");
        store.append(calls(3, T0, 1));
        ChainHead before = ((JdbcAuditStore) store).head();
        // Another writer took seq 6: the third row of the next batch (seqs 4..8) collides.
        execute("INSERT INTO audit_log (chain_id, seq, kind, at_ms, status, prompt_tokens, completion_tokens,"
                + " cached_tokens, cost_nanos, latency_ms, stream, prev_hash, hash)"
                + " VALUES ('a', 6, 'CALL', 0, 200, 0, 0, 0, 0, 0, ?, 'x', 'x')", false);
        assertThrows(AuditStoreException.class, () -> store.append(calls(5, T0 + 10, 1)));
        assertEquals(4, store.count(), "the 3 rows and the intruder, none of the failed batch");
        assertEquals(before, ((JdbcAuditStore) store).head());
        execute("DELETE FROM audit_log WHERE chain_id = 'a' AND seq = 6");
        store.append(calls(5, T0 + 10, 1));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), queryLongs("SELECT seq FROM audit_log ORDER BY seq"));
        assertTrue(store.verify().intact());
    }

    @Test
    void retriedBatchWhoseCommitWentThroughUnseenIsStoredOnce() {
        AuditStore writer = open("a");
        writer.append(calls(2, T0, 1));
        List<AuditEntry> batch = calls(3, T0 + 10, 1);
        // The batch reaches the database but the writer never hears so: here another store with
        // the same chain id commits it, and the writer's own attempt then fails.
        open("a").append(batch);
        assertThrows(AuditStoreException.class, () -> writer.append(batch));
        writer.append(batch);
        assertEquals(5, writer.count());
        writer.append(calls(1, T0 + 20, 1));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), queryLongs("SELECT seq FROM audit_log ORDER BY seq"));
        assertTrue(writer.verify().intact());
    }

    @Test
    void writerBehindItsStoredChainCatchesUpAfterAFailure() {
        AuditStore writer = open("a");
        writer.append(calls(2, T0, 1));
        open("a").append(calls(3, T0 + 10, 1));
        List<AuditEntry> next = calls(2, T0 + 20, 1);
        assertThrows(AuditStoreException.class, () -> writer.append(next));
        writer.append(next);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), queryLongs("SELECT seq FROM audit_log ORDER BY seq"));
        assertTrue(writer.verify().intact());
    }

    @Test
    void closedStoreRefusesWork() {
        AuditStore store = open("a");
        store.close();
        assertThrows(IllegalStateException.class, () -> store.append(calls(1, T0, 1)));
        assertThrows(IllegalStateException.class, store::count);
    }

    @Test
    void measuresAppendRowsPerSecondInBatchesOf500() {
        AuditStore store = open("bench");
        store.append(calls(500, T0, 1));
        int batches = 40;
        long started = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            store.append(calls(500, T0 + i * 1_000L, 1));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("[%s] audit append: %d rows in batches of 500 in %.2f s = %.0f rows/s%n",
                getClass().getSimpleName(), batches * 500, seconds, batches * 500 / seconds);
        assertEquals(500L * (batches + 1), store.count());
    }

    /** Swaps everything but id, chain and seq between two rows, hashes included. */
    private void swapContents(String chainId, long seqA, long seqB) {
        String columns = AuditColumns.NAMES + ", prev_hash, hash";
        List<Object> a = query("SELECT " + columns + " FROM audit_log WHERE chain_id = ? AND seq = ?", chainId, seqA)
                .get(0);
        List<Object> b = query("SELECT " + columns + " FROM audit_log WHERE chain_id = ? AND seq = ?", chainId, seqB)
                .get(0);
        String assignments = Stream.of(columns.split(", ")).map(c -> c + " = ?").collect(Collectors.joining(", "));
        String update = "UPDATE audit_log SET " + assignments + " WHERE chain_id = ? AND seq = ?";
        execute(update, Stream.concat(b.stream(), Stream.of(chainId, seqA)).toArray());
        execute(update, Stream.concat(a.stream(), Stream.of(chainId, seqB)).toArray());
    }

    static void assertBreak(VerifyReport report, String chainId, long rowId, long seq, String how) {
        VerifyReport.Break found = report.breaks().stream().filter(b -> b.chainId().equals(chainId)).findFirst()
                .orElseThrow(() -> new AssertionError("no break in chain " + chainId + ": " + report));
        assertEquals(rowId, found.rowId(), found.toString());
        assertEquals(seq, found.seq(), found.toString());
        assertTrue(found.reason().contains(how), found.toString());
    }
}
