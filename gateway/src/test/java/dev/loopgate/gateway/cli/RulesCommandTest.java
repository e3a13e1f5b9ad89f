package dev.loopgate.gateway.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.wire.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code loopgate rules validate|explain|simulate}, run as an admin would, against a config's tiers and prices. */
class RulesCommandTest {
    static final String CONFIG = """
            providers:
              openai: { type: openai, base_url: "https://api.openai.com/v1", api_key: "${NOT_SET_ANYWHERE_OPENAI_KEY}" }
            models:
              big:   { provider: openai, name: gpt-4.1, input: 2.0, output: 8.0 }
              small: { provider: openai, name: gpt-4.1-mini, input: 0.4, output: 1.6 }
              nano:  { provider: openai, name: gpt-4.1-nano, input: 0.1, output: 0.4 }
            tiers: { frontier: [big], mid: [small, big], light: [nano] }
            rules:
              - { id: everything-mid, route: mid }
            keys:
              - { name: ops, role: admin, key: "${NOT_SET_ANYWHERE_ADMIN_KEY}" }
            """;
    static final String CANDIDATE = """
            - { id: checkers-frontier, when: { role: checker }, route: frontier }
            - { id: small-prompts-light, when: { prompt_tokens: "<1000" }, route: light }
            - { id: rest-mid, route: mid }
            """;

    @TempDir
    Path dir;

    /** What one run printed and how it ended. */
    record Run(int exit, String out, String err) {
    }

    @Test
    void validRulesPassWithTheirIdsListed() throws IOException {
        Run run = run("rules", "validate", "--config", write("gateway.yaml", CONFIG), write("rules.yaml", CANDIDATE));

        assertEquals(0, run.exit(), run::toString);
        assertTrue(run.out().contains("ok (3 rules: checkers-frontier, small-prompts-light, rest-mid)"), run::toString);
    }

    @Test
    void invalidRulesExitWithCodeTwoAndEveryProblemWithItsPath() throws IOException {
        Run run = run("rules", "validate", "--config", write("gateway.yaml", CONFIG), write("rules.yaml", """
                - { id: a, when: { step: "five" }, route: mid }
                - { id: b, route: medium }
                - { id: a, route: light }
                """));

        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.err().contains("rules[0].when.step: "), run::toString);
        assertTrue(run.err().contains("rules[1].route: "), run::toString);
        assertTrue(run.err().contains("rules[2].id: "), run::toString);
    }

    @Test
    void explainShowsTheDecidingRuleForARequest() throws IOException {
        String request = """
                {"request": {"model": "auto", "messages": [{"role": "user", "content": "Review the diff"}]},
                 "headers": {"X-Loop-Id": "build-7", "X-Loop-Role": "checker"}}""";

        Run run = run("rules", "explain", "--json", "--config", write("gateway.yaml", CONFIG),
                "--rules", write("rules.yaml", CANDIDATE), "--request", write("request.json", request));

        assertEquals(0, run.exit(), run::toString);
        JsonNode explained = Json.MAPPER.readTree(run.out());
        assertEquals("checkers-frontier", explained.path("decision").path("rule").asText());
        assertEquals("frontier", explained.path("decision").path("tier").asText());
        assertEquals(3, explained.path("rules").size());
    }

    @Test
    void simulateGivesTheTotalsComputedByHand() throws IOException {
        String traffic = """
                {"loop_id": "a", "model": "auto", "role": "maker", "prompt_tokens": 500, "completion_tokens": 200}
                {"loop_id": "a", "model": "auto", "role": "checker", "prompt_tokens": 3000, "completion_tokens": 400}

                {"loop_id": "b", "model": "auto", "role": "maker", "prompt_tokens": 5000, "completion_tokens": 1000}
                """;

        Run run = run("rules", "simulate", "--json", "--config", write("gateway.yaml", CONFIG),
                "--rules", write("rules.yaml", CANDIDATE), "--traffic", write("traffic.jsonl", traffic));

        assertEquals(0, run.exit(), run::toString);
        JsonNode report = Json.MAPPER.readTree(run.out());
        // Before: every call on mid (small: 0.4 in, 1.6 out per million tokens).
        BigDecimal before = usd(500, 200, "0.4", "1.6").add(usd(3000, 400, "0.4", "1.6")).add(usd(5000, 1000, "0.4", "1.6"));
        // After: the small maker prompt goes light (nano), the checker frontier (big), the large maker prompt mid.
        BigDecimal afterA = usd(500, 200, "0.1", "0.4").add(usd(3000, 400, "2.0", "8.0"));
        BigDecimal afterB = usd(5000, 1000, "0.4", "1.6");
        assertEquals(3, report.path("calls").asLong());
        assertMoney(before, report.path("before").path("cost_usd"));
        assertMoney(afterA.add(afterB), report.path("after").path("cost_usd"));
        assertMoney(afterA.add(afterB).subtract(before), report.path("delta_usd"));
        assertEquals(3, report.path("before").path("tiers").path("mid").path("calls").asLong());
        assertEquals(1, report.path("after").path("tiers").path("light").path("calls").asLong());
        assertEquals(1, report.path("after").path("tiers").path("frontier").path("calls").asLong());
        assertEquals(1, report.path("after").path("tiers").path("mid").path("calls").asLong());
        for (JsonNode loop : report.path("loops")) {
            if (loop.path("loop_id").asText().equals("b")) {
                assertMoney(BigDecimal.ZERO, loop.path("delta_usd"));
            } else {
                assertMoney(afterA.subtract(usd(500, 200, "0.4", "1.6")).subtract(usd(3000, 400, "0.4", "1.6")),
                        loop.path("delta_usd"));
            }
        }
    }

    @Test
    void aTrafficLineThatIsNotJsonIsNamedByItsLineNumber() throws IOException {
        Run run = run("rules", "simulate", "--config", write("gateway.yaml", CONFIG),
                "--rules", write("rules.yaml", CANDIDATE), "--traffic", write("traffic.jsonl", """
                        {"loop_id": "a", "model": "auto", "prompt_tokens": 1, "completion_tokens": 1}
                        not json
                        """));

        assertEquals(2, run.exit(), run::toString);
        assertTrue(run.err().contains("line 2"), run::toString);
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = LoopgateCli.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content).toString();
    }

    private static BigDecimal usd(long prompt, long completion, String input, String output) {
        return new BigDecimal(input).multiply(BigDecimal.valueOf(prompt))
                .add(new BigDecimal(output).multiply(BigDecimal.valueOf(completion)))
                .divide(BigDecimal.valueOf(1_000_000));
    }

    private static void assertMoney(BigDecimal expected, JsonNode actual) {
        assertEquals(0, expected.compareTo(new BigDecimal(actual.asText())), "expected " + expected + ", got " + actual);
    }
}
