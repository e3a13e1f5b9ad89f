package dev.loopgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.rules.ExplainFacts;
import dev.loopgate.gateway.rules.RulesJson;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.RecordedCall;
import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.RulesException;
import dev.loopgate.rules.WhatIf;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code rules validate|explain|simulate}: work with routing rules offline, against a config's tiers and prices. */
@Command(name = "rules", description = "Check, explain and simulate routing rules offline.",
        subcommands = {RulesCommand.Validate.class, RulesCommand.Explain.class, RulesCommand.Simulate.class})
final class RulesCommand {

    @Command(name = "validate", description = "Check a rules file; exit 2 and list every problem when it is bad.")
    static final class Validate implements Callable<Integer> {
        @Mixin
        OfflineConfig options;

        @Parameters(paramLabel = "FILE", description = "rules as YAML or JSON")
        Path rules;

        @Override
        public Integer call() throws Exception {
            return options.run(() -> {
                RuleSet valid = RuleSet.parse(read(rules), options.load().tiers());
                options.out().printf("%s: ok (%d rules: %s)%n", rules, valid.size(), String.join(", ", valid.ruleIds()));
                return 0;
            });
        }
    }

    @Command(name = "explain", description = "Show how rules decide one request, rule by rule.")
    static final class Explain implements Callable<Integer> {
        @Mixin
        OfflineConfig options;

        @Option(names = "--rules", paramLabel = "FILE", description = "rules to use (default: the config's)")
        Path rules;

        @Option(names = "--request", paramLabel = "FILE", required = true,
                description = "a chat request, or {\"request\": ..., \"headers\": ..., \"budget_used\": ...}")
        Path request;

        @Option(names = "--json", description = "print JSON instead of text")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return options.run(() -> {
                GatewayConfig config = options.load();
                RuleSet ruleSet = rules == null ? config.rules() : RuleSet.parse(read(rules), config.tiers());
                int hour = (int) (Math.floorDiv(Clock.systemUTC().millis(), 3_600_000L) % 24);
                JsonNode body = Json.MAPPER.readTree(read(request));
                ObjectNode explained = RulesJson.explanation(0,
                        ruleSet.explain(ExplainFacts.of(body, Map.of(), new TokenEstimator(), hour)));
                explained.remove("version");
                PrintWriter out = options.out();
                if (json) {
                    out.println(explained.toPrettyString());
                    return 0;
                }
                for (JsonNode rule : explained.path("rules")) {
                    out.printf("%-3s %-24s %-22s %s%n", rule.path("matched").asBoolean() ? "=>" : "", rule.path("id").asText(),
                            rule.path("action").asText(), rule.path("detail").asText());
                }
                explained.path("modifiers").forEach(m -> out.println("modifier: " + m.asText()));
                out.println("decision: " + explained.path("decision"));
                return 0;
            });
        }
    }

    @Command(name = "simulate", description = "Replay recorded calls through the config's rules and candidate rules.")
    static final class Simulate implements Callable<Integer> {
        @Mixin
        OfflineConfig options;

        @Option(names = "--rules", paramLabel = "FILE", required = true, description = "the candidate rules")
        Path rules;

        @Option(names = "--traffic", paramLabel = "FILE", required = true,
                description = "recorded calls, one JSON object per line")
        Path traffic;

        @Option(names = "--json", description = "print JSON instead of text")
        boolean json;

        @Override
        public Integer call() throws Exception {
            return options.run(() -> {
                GatewayConfig config = options.load();
                RuleSet candidate = RuleSet.parse(read(rules), config.tiers());
                List<RecordedCall> calls;
                try (Reader reader = Files.newBufferedReader(traffic, StandardCharsets.UTF_8)) {
                    calls = RecordedCall.readJsonl(reader);
                }
                ObjectNode report = RulesJson.simulation(0, WhatIf.simulate(calls, config.rules(), candidate,
                        (model, prompt, completion) -> config.model(model).price()
                                .costNanos(new Usage(prompt, completion, 0))));
                ((ObjectNode) report.path("before")).remove("version");
                PrintWriter out = options.out();
                if (json) {
                    out.println(report.toPrettyString());
                } else {
                    printTable(out, report);
                }
                return 0;
            });
        }

        private static void printTable(PrintWriter out, ObjectNode report) {
            out.printf("%d calls replayed%n%n%-16s %10s %14s %10s %14s%n", report.path("calls").asLong(),
                    "tier", "calls before", "cost before", "calls after", "cost after");
            JsonNode before = report.path("before").path("tiers");
            JsonNode after = report.path("after").path("tiers");
            Set<String> tiers = new TreeSet<>();
            before.fieldNames().forEachRemaining(tiers::add);
            after.fieldNames().forEachRemaining(tiers::add);
            for (String tier : tiers) {
                out.printf("%-16s %10d %14s %10d %14s%n", tier,
                        before.path(tier).path("calls").asLong(), before.path(tier).path("cost_usd").asText("0"),
                        after.path(tier).path("calls").asLong(), after.path(tier).path("cost_usd").asText("0"));
            }
            out.printf("%-16s %10d %14s %10d %14s%n", "rejected", report.path("before").path("rejected").asLong(), "",
                    report.path("after").path("rejected").asLong(), "");
            out.printf("%-16s %10s %14s %10s %14s%n%ntotal change: %s USD%n", "total", "",
                    report.path("before").path("cost_usd").asText(), "", report.path("after").path("cost_usd").asText(),
                    report.path("delta_usd").asText());
        }
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
