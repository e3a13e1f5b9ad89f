package dev.loopgate.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.GatewayHarness;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loopgate reload} against a running gateway: what changed, or exit 2 and every problem of a bad file. */
class ReloadCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsWhatChangedOrExitsTwoWithTheProblemsOfABadFile() throws IOException {
        try (GatewayHarness gateway = GatewayHarness.started(GatewayHarness.STANDARD, "primary")) {
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, gateway.configText().replace("input: 2.0, output: 8.0", "input: 3.0, output: 12.0"));
            gateway.gateway().reloadsFrom(file, gateway.env());

            Run ok = run(gateway);
            assertEquals(0, ok.exit(), ok.err());
            assertEquals("reloaded; changed: models", ok.out().strip());

            Files.writeString(file, gateway.configText().replace("frontier: [big]", "frontier: [huge]"));
            Run bad = run(gateway);
            assertEquals(LoopgateCli.EXIT_BAD_CONFIG, bad.exit());
            assertTrue(bad.err().contains("gateway.yaml was not reloaded"), bad.err());
            assertTrue(bad.err().contains("tiers.frontier[0]: unknown model 'huge'"), bad.err());
        }
    }

    @Test
    void withoutAnAdminKeyItSaysWhereToPutOne() {
        ReloadCommand command = new ReloadCommand();
        command.environment = Map.of();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(command).setErr(new PrintWriter(err)).execute();
        assertEquals(1, exit);
        assertTrue(err.toString().contains("$LOOPGATE_ADMIN_KEY"), err.toString());
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(GatewayHarness gateway) {
        ReloadCommand command = new ReloadCommand();
        command.environment = Map.of("LOOPGATE_ADMIN_KEY", GatewayHarness.ADMIN_KEY);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--url", gateway.baseUrl());
        return new Run(exit, out.toString(), err.toString());
    }
}
