package dev.loopgate.bench;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.audit.writer.AuditWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;

/**
 * How many rows per second the audit writer sustains into each store: a burst submitted at
 * once, timed until the store acknowledged all of it, once with a queue larger than the burst
 * and once with a queue half its size (the rest goes through the spool). SQLite in a scratch
 * file; PostgreSQL in a scratch database created on the server given and dropped afterwards.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.loopgate.bench.AuditWriterThroughput \
 *     [--rows 200000] [--postgres jdbc:postgresql://127.0.0.1:5432/test?user=postgres]</pre>
 */
public final class AuditWriterThroughput {
    private static final Duration LIMIT = Duration.ofMinutes(5);

    private AuditWriterThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args, Set.of("rows", "postgres"));
        int rows = flags.integer("rows", 200_000);
        Path dir = Files.createTempDirectory("loopgate-audit-bench");
        measure("sqlite, queue larger than the burst", "jdbc:sqlite:" + dir.resolve("a.db"), dir, rows, rows * 2);
        measure("sqlite, burst twice the queue", "jdbc:sqlite:" + dir.resolve("b.db"), dir, rows, rows / 2);
        String postgres = flags.string("postgres", null);
        if (postgres != null) {
            String scratch = "lgbench_audit_" + ProcessHandle.current().pid();
            execute(postgres, "CREATE DATABASE " + scratch);
            try {
                String url = postgres.replaceFirst("/[^/?]+(\\?|$)", "/" + scratch + "$1");
                measure("postgresql, queue larger than the burst", url, dir, rows, rows * 2);
                measure("postgresql, burst twice the queue", url, dir, rows, rows / 2);
            } finally {
                execute(postgres, "DROP DATABASE " + scratch);
            }
        }
    }

    private static void measure(String what, String jdbcUrl, Path dir, int rows, int queueCapacity) {
        String chain = "bench-" + queueCapacity;
        try (AuditStore store = AuditStores.open(jdbcUrl, chain)) {
            AuditWriter writer = new AuditWriter(store, dir.resolve("spool-" + what.hashCode()), queueCapacity,
                    Duration.ofMillis(200), 500);
            long start = System.nanoTime();
            for (int n = 1; n <= rows; n++) {
                writer.submit(row(chain, n));
            }
            long submitted = System.nanoTime();
            long deadline = start + LIMIT.toNanos();
            while (writer.stats().written() < rows && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long end = System.nanoTime();
            writer.close();
            double seconds = (end - start) / 1e9;
            System.out.printf("audit writer, %s: %d of %d rows in %.2f s = %.0f rows/s (submitting took %.0f ms); %s%n",
                    what, writer.stats().written(), rows, seconds, writer.stats().written() / seconds,
                    (submitted - start) / 1e6, writer.stats());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static AuditEntry row(String chain, long n) {
        return new AuditEntry(AuditEntry.Kind.CALL, 1_700_000_000_000L + n, chain + "-" + n, "key-a", "loop-1", "run-1",
                n, "planner", "small", "rule-1", 3L, "light", "gpt-4o-mini", "openai", 200, null, 10, 20, 0, 1234,
                15, 5L, false, null, null, "hash-" + n, null, null, null, null, "openai");
    }

    private static void execute(String jdbcUrl, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
