package dev.loopgate.gateway.audit.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.VerifyReport;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.testing.Poll;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL the test starts itself is stopped hard in the middle of a steady load and
 * started again: once the writer is closed, every row is in the store once, in submission
 * order, the spool is drained and the hash chain verifies.
 */
class AuditWriterPostgresOutageTest {
    static final int ROWS = 20_000;
    static final String CHAIN = "chain-1";
    static final Duration OUTAGE_STEP = Duration.ofSeconds(30);

    static ScratchPostgres postgres;

    @TempDir
    Path spoolDir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = ScratchPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void postgresStoppedMidLoadAndStartedAgainLosesNoRowAndKeepsTheirOrder() throws Exception {
        AuditStore store = AuditStores.open(postgres.jdbcUrl(), CHAIN);
        AuditWriter writer = new AuditWriter(store, spoolDir, 100_000, Duration.ofMillis(200), 500);
        AtomicLong submitted = new AtomicLong();
        Thread load = new Thread(() -> {
            for (int n = 1; n <= ROWS; n++) {
                writer.submit(Entries.numbered("pg", n));
                submitted.set(n);
                if (n % 5 == 0) {
                    LockSupport.parkNanos(1_000_000);
                }
            }
        }, "audit-load");
        try {
            load.start();
            await(() -> writer.stats().written() >= 3_000, "3000 rows in PostgreSQL before the outage");
            postgres.stopImmediately();
            long atStop = submitted.get();
            await(() -> writer.stats().spooled() > 0 && submitted.get() >= atStop + 2_000,
                    "2000 more submitted while PostgreSQL is down, the writer spooling");
            AuditWriter.Stats down = writer.stats();
            postgres.startAgain();
            long atStart = submitted.get();
            load.join(OUTAGE_STEP.toMillis());
            assertFalse(load.isAlive(), "the load finished");
            writer.close();

            AuditWriter.Stats stats = writer.stats();
            System.out.printf("postgres outage: stopped at %d submitted, started again at %d; stats when down %s;"
                    + " after close %s%n", atStop, atStart, down, stats);
            assertEquals(0, stats.queued(), stats::toString);
            assertEquals(0, stats.spoolPending(), "the spool is drained");
            assertEquals(0, stats.dropped());
            assertTrue(stats.replayed() > 0, stats::toString);
            List<String> expected = new ArrayList<>();
            for (int n = 1; n <= ROWS; n++) {
                expected.add("pg-" + n);
            }
            assertEquals(expected, requestIdsInChainOrder(), "every row once, in submission order");
            assertEquals(ROWS, store.count());
            VerifyReport report = store.verify();
            assertTrue(report.intact(), report::toString);
            assertEquals(ROWS, report.rowsChecked());
        } finally {
            writer.close();
            store.close();
        }
    }

    private static List<String> requestIdsInChainOrder() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
                PreparedStatement query = connection.prepareStatement(
                        "SELECT request_id FROM audit_log WHERE chain_id = ? ORDER BY seq")) {
            query.setString(1, CHAIN);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private static void await(BooleanSupplier condition, String what) {
        if (!Poll.until(OUTAGE_STEP, condition)) {
            throw new AssertionError("timed out after " + OUTAGE_STEP.toSeconds() + " s waiting for " + what);
        }
    }
}
