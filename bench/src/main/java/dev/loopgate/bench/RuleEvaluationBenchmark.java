package dev.loopgate.bench;

import dev.loopgate.rules.CallFacts;
import dev.loopgate.rules.Decision;
import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.TierTable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@link RuleSet#decide} on a realistic 50-rule set over frontier/mid/light: a call the 4th rule
 * decides, one the 49th decides, one no rule decides (an explicit model, so every rule is
 * tried), and one where three modifier rules apply before a destination rule.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RuleEvaluationBenchmark {
    private RuleSet rules;
    private CallFacts early;
    private CallFacts late;
    private CallFacts noMatch;
    private CallFacts withModifiers;

    @Setup
    public void setUp() {
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("frontier", List.of("big"));
        tiers.put("mid", List.of("small", "big"));
        tiers.put("light", List.of("tiny", "small"));
        rules = RuleSet.parse(fiftyRules(), new TierTable(tiers, "mid", Set.of("big", "small", "tiny")));
        if (rules.size() != 50) {
            throw new IllegalStateException("expected 50 rules, got " + rules.size());
        }

        early = CallFacts.builder("build-1", "auto").role("checker").step(12).promptTokens(3000).build();
        late = CallFacts.builder("batch-7", "auto").role("maker").run("r-9").step(40).promptTokens(2000)
                .header("X-Customer", "cust-none").metadata("task", "none").utcHour(3).build();
        noMatch = CallFacts.builder("build-1", "big").role("maker").step(7).promptTokens(1200).maxTokens(500).build();
        withModifiers = CallFacts.builder("team-3-nightly", "auto").role("summarizer").step(3).promptTokens(500)
                .maxTokens(9000).repeatCount(2).budgetUsed(0.95).build();

        expect(early, "verify-on-frontier");
        expect(late, "night-batch-light");
        expect(noMatch, "model:explicit");
        expect(withModifiers, "team-3-chores");
    }

    private void expect(CallFacts facts, String rule) {
        String actual = rules.decide(facts).rule();
        if (!actual.equals(rule)) {
            throw new IllegalStateException("expected rule " + rule + ", got " + actual + " for " + facts);
        }
    }

    @Benchmark
    public Decision matchEarly() {
        return rules.decide(early);
    }

    @Benchmark
    public Decision matchLate() {
        return rules.decide(late);
    }

    @Benchmark
    public Decision noMatch() {
        return rules.decide(noMatch);
    }

    @Benchmark
    public Decision modifiersThenMatch() {
        return rules.decide(withModifiers);
    }

    /** Three modifiers, a few specific rules, ten rules each for teams, customers, tasks and runs, catch-alls. */
    static String fiftyRules() {
        StringBuilder y = new StringBuilder("rules:\n");
        y.append("  - { id: repeat-escalates, when: { repeat_count: \">=2\" }, route: { escalate: 1 } }\n");
        y.append("  - { id: broke-deescalates, when: { budget_used: \">=0.9\" }, route: { deescalate: 1 } }\n");
        y.append("  - { id: long-answer-cap, when: { max_tokens: \">=8000\" }, route: { max_tokens_cap: 8000 } }\n");
        y.append("  - { id: verify-on-frontier, when: { model: auto, role: [checker, reviewer, verifier] }, route: frontier }\n");
        y.append("  - { id: first-plan, when: { model: auto, role: \"planner*\", step: \"<=1\" }, route: frontier }\n");
        y.append("  - { id: no-night-images, when: { images: true, hour: \"22..6\" }, reject: { message: \"No images at night.\" } }\n");
        for (int t = 0; t < 10; t++) {
            y.append("  - { id: team-").append(t).append("-chores, when: { model: auto, loop: \"team-").append(t)
                    .append("-*\", role: [\"summar*\", \"classif*\"], prompt_tokens: \"<8000\" }, route: { tier: light, max_tokens_cap: 1000 } }\n");
        }
        for (int c = 0; c < 10; c++) {
            y.append("  - { id: customer-").append(c).append(", when: { model: auto, header: { X-Customer: \"cust-").append(c)
                    .append("\" }, tools: true }, route: { tier: mid, max_tokens_cap: 4000 } }\n");
        }
        String[] tasks = {"summary", "triage", "translate", "extract", "label", "dedupe", "rank", "title", "tag", "lint"};
        for (String task : tasks) {
            y.append("  - { id: task-").append(task).append(", when: { model: auto, metadata: { task: ").append(task)
                    .append(" }, any: [ { step: \">=50\" }, { budget_used: \">=0.5\" } ] }, route: light }\n");
        }
        for (int r = 0; r < 10; r++) {
            y.append("  - { id: run-").append(r).append("-pinned, when: { model: auto, run: \"run-").append(r)
                    .append("-*\", not: { stream: true }, json_mode: true }, route: { model: small } }\n");
        }
        y.append("  - { id: long-context-frontier, when: { model: auto, prompt_tokens: \">=100000\" }, route: frontier }\n");
        y.append("  - { id: json-tools-mid, when: { model: auto, json_mode: true, tools: true }, route: mid }\n");
        y.append("  - { id: night-batch-light, when: { model: auto, hour: \"0..5\", loop: \"batch-*\" }, route: light }\n");
        y.append("  - { id: auto-on-mid, when: { model: auto }, route: mid }\n");
        return y.toString();
    }
}
