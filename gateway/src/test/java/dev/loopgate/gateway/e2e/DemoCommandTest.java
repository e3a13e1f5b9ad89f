package dev.loopgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.cli.LoopgateCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code loopgate demo} as a newcomer runs it: no setup, exit 0, calls spread over every tier. */
class DemoCommandTest {
    /** A table row's tier and model columns, e.g. {@code light    light-sim}. */
    private static final Pattern TIER_AND_MODEL = Pattern.compile("\\s(frontier|mid|light)\\s+[a-z]+-sim\\s");

    @Test
    void demoRunsToTheEndAndShowsCallsOnEveryTier() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = LoopgateCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("demo");

        assertEquals(0, exit, () -> "stdout:\n" + out + "\nstderr:\n" + err);
        Set<String> tiers = new TreeSet<>();
        Matcher row = TIER_AND_MODEL.matcher(out.toString());
        while (row.find()) {
            tiers.add(row.group(1));
        }
        assertEquals(Set.of("frontier", "light", "mid"), tiers, out::toString);
        assertTrue(out.toString().contains("rejected: HTTP 400 invalid_request"), out::toString);
    }
}
