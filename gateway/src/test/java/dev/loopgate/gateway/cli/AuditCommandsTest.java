package dev.loopgate.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.store.AuditStores;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loopgate report} and {@code loopgate audit verify} against the store a config names. */
class AuditCommandsTest {
    @TempDir
    Path dir;
    Path db;
    String config;

    @BeforeEach
    void seed() throws Exception {
        db = dir.resolve("audit.db");
        config = Files.writeString(dir.resolve("gateway.yaml"), """
                providers: { sim: { type: simulated } }
                models: { m: { provider: sim, name: m, input: 1, output: 1 } }
                tiers: { mid: [m] }
                keys: [ { name: ops, role: admin, key: "${NOT_SET_HERE_ADMIN_KEY}" } ]
                audit: { url: "jdbc:sqlite:%s" }
                """.formatted(db)).toString();
        long now = System.currentTimeMillis();
        List<AuditEntry> entries = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entries.add(call(now - i * 1000, i < 3 ? "loop-a" : "loop, \"b\"", 1_000_000L * (i + 1)));
        }
        try (AuditStore store = AuditStores.open("jdbc:sqlite:" + db, "chain-1")) {
            store.append(entries);
        }
    }

    @Test
    void reportPrintsTheSpendAsCsvForASpreadsheet() {
        Run run = run("report", "--config", config, "--group-by", "loop", "--format", "csv");

        assertEquals(0, run.exit(), run::toString);
        String[] lines = run.out().split("\r\n");
        assertEquals("loop,calls,errors,prompt_tokens,completion_tokens,cached_tokens,cost_usd", lines[0]);
        assertEquals("\"loop, \"\"b\"\"\",2,0,20,10,0,0.009", lines[1], "the dearest loop first, quoted");
        assertEquals("loop-a,3,0,30,15,0,0.006", lines[2]);
    }

    @Test
    void reportPrintsAReadableTableWithTotals() {
        Run run = run("report", "--config", config, "--group-by", "loop");

        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.out().lines().anyMatch(line -> line.startsWith("total") && line.endsWith("0.015")), run.out());
    }

    @Test
    void verifyPassesAnUntouchedStoreAndNamesTheEditedRow() throws Exception {
        assertEquals(0, run("audit", "verify", "--config", config).exit());

        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE audit_log SET cost_nanos = 1 WHERE seq = 3");
        }
        Run tampered = run("audit", "verify", "--config", config);

        assertEquals(AuditCommand.EXIT_TAMPERED, tampered.exit(), tampered::toString);
        assertTrue(tampered.out().contains("(seq 3)"), tampered.out());
        assertTrue(tampered.out().contains("TAMPERED"), tampered.out());
    }

    private static AuditEntry call(long at, String loop, long costNanos) {
        return new AuditEntry(AuditEntry.Kind.CALL, at, "r-" + at, "bot", loop, null, null, null, "auto", "rest", 1L,
                "mid", "m", "sim", 200, null, 10, 5, 0, costNanos, 12, 3L, false, null, null, null, null, null, null, null, "openai");
    }

    /** What one run printed and how it ended. */
    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = LoopgateCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }
}
