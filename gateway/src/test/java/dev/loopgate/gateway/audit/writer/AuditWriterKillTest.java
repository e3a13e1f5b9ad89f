package dev.loopgate.gateway.audit.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.testing.Poll;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code kill -9} loses, shown on a real process: a JVM submitting a steady load to a
 * writer over SQLite is killed with SIGKILL; a writer started again on its spool and store
 * then holds a prefix of what was submitted, in order, with no hole. The tail that was only
 * in memory is what was lost; the test prints how much (about one flush interval's worth),
 * it does not assert timing.
 */
class AuditWriterKillTest {
    static final Duration STEP = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void killNineLosesOnlyTheNewestEntriesNeverOneInTheMiddle() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("audit.db");
        Path spoolDir = dir.resolve("spool");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillNineChild.class.getName(), url, spoolDir.toString())
                .redirectError(dir.resolve("child.log").toFile()).start();
        AtomicLong printed = new AtomicLong();
        long[] firstLine = new long[2];
        Thread reader = new Thread(() -> readCounts(child, printed, firstLine), "kill-child-reader");
        reader.setDaemon(true);
        reader.start();
        long lastSeen;
        long killedAt;
        try {
            assertTrue(Poll.until(STEP, () -> printed.get() >= 5_000 || !child.isAlive()),
                    "the child submitted 5000 entries");
            assertTrue(child.isAlive(), "the child is running; its log is in " + dir.resolve("child.log"));
        } finally {
            lastSeen = printed.get();
            killedAt = System.nanoTime();
            child.destroyForcibly();
            child.waitFor(STEP.toSeconds(), TimeUnit.SECONDS);
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");

        try (AuditStore store = AuditStores.open(url, KillNineChild.CHAIN)) {
            AuditWriter restarted = new AuditWriter(store, spoolDir, 100_000, Duration.ofMillis(200), 500);
            restarted.close();
            AuditWriter.Stats stats = restarted.stats();
            List<String> ids = requestIds(url);
            Set<String> distinct = new LinkedHashSet<>(ids);
            long kept = distinct.size();
            List<String> prefix = new ArrayList<>();
            for (long n = 1; n <= kept; n++) {
                prefix.add("k-" + n);
            }
            assertEquals(prefix, new ArrayList<>(distinct), "a prefix of the submissions, in order, no hole");
            assertTrue(ids.size() - kept <= 500, "at most one batch replayed twice");
            assertTrue(store.verify().intact());
            double perMs = (lastSeen - firstLine[0]) / ((killedAt - firstLine[1]) / 1e6);
            System.out.printf("kill -9 after at least %d submitted (%.1f per ms): %d in the store after restart"
                    + " (%d of them replayed from the spool, %d stored twice); lost at least %d entries, about %.0f ms"
                    + " of load%n", lastSeen, perMs, kept, stats.replayed(), ids.size() - kept, lastSeen - kept,
                    (lastSeen - kept) / perMs);
        }
    }

    /** Keeps the child's latest count in {@code printed}, and its first count and when it came in {@code first}. */
    private static void readCounts(Process child, AtomicLong printed, long[] first) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = lines.readLine()) != null; ) {
                long count = Long.parseLong(line.trim());
                if (first[1] == 0) {
                    first[0] = count;
                    first[1] = System.nanoTime();
                }
                printed.set(count);
            }
        } catch (IOException | NumberFormatException e) {
            // The child was killed mid-line; the last whole count stands.
        }
    }

    private static List<String> requestIds(String url) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection(url);
                Statement query = connection.createStatement();
                ResultSet rows = query.executeQuery("SELECT request_id FROM audit_log ORDER BY seq")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }
}
