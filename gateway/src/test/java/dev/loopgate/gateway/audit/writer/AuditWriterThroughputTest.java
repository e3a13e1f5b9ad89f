package dev.loopgate.gateway.audit.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.testing.Poll;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures, never asserts, how many rows per second the writer sustains into each store: a
 * burst submitted at once, timed until the store acknowledged all of it. Off by default (it
 * takes a while); run with
 * {@code mvn -o test -pl gateway -Dtest=AuditWriterThroughputTest -Daudit.measure=true}.
 */
@EnabledIfSystemProperty(named = "audit.measure", matches = "true")
class AuditWriterThroughputTest {
    static final int ROWS = 200_000;
    static final Duration LIMIT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    @Test
    void sqlite() {
        measure("sqlite, queue larger than the burst", "jdbc:sqlite:" + dir.resolve("a.db"), ROWS * 2);
        measure("sqlite, burst twice the queue", "jdbc:sqlite:" + dir.resolve("b.db"), ROWS / 2);
    }

    @Test
    void postgresql() throws Exception {
        try (ScratchPostgres postgres = ScratchPostgres.start()) {
            measure("postgresql, queue larger than the burst", postgres.jdbcUrl(), ROWS * 2);
            measure("postgresql, burst twice the queue", postgres.jdbcUrl(), ROWS / 2);
        }
    }

    @Test
    void spoolAlone() {
        FakeAuditStore stuck = new FakeAuditStore();
        stuck.hang();
        try (AuditWriter writer = new AuditWriter(stuck, dir.resolve("spool"), ROWS / 2, Duration.ofMillis(200), 500)) {
            long start = System.nanoTime();
            for (int n = 1; n <= ROWS; n++) {
                writer.submit(Entries.numbered(n));
            }
            long submittedAt = System.nanoTime();
            Poll.until(LIMIT, () -> writer.stats().queued() == 0);
            report("spool only (store stuck), burst twice the queue", start, submittedAt, writer.stats());
            stuck.failing(true);
            stuck.release();
            writer.close(Duration.ofMillis(100));
        }
    }

    private void measure(String what, String jdbcUrl, int queueCapacity) {
        String chain = "bench-" + queueCapacity;
        try (AuditStore store = AuditStores.open(jdbcUrl, chain)) {
            AuditWriter writer = new AuditWriter(store, dir.resolve("spool-" + chain), queueCapacity,
                    Duration.ofMillis(200), 500);
            long start = System.nanoTime();
            for (int n = 1; n <= ROWS; n++) {
                writer.submit(Entries.numbered(chain, n));
            }
            long submittedAt = System.nanoTime();
            Poll.until(LIMIT, () -> writer.stats().written() == ROWS);
            report(what, start, submittedAt, writer.stats());
            writer.close();
            assertEquals(ROWS, writer.stats().written());
        }
    }

    private static void report(String what, long start, long submittedAt, AuditWriter.Stats stats) {
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        System.out.printf("audit writer, %s: %d rows in %.2f s = %.0f rows/s (submit took %.0f ms); %s%n", what,
                ROWS, seconds, ROWS / seconds, (submittedAt - start) / 1e6, stats);
    }
}
