package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.TIERS;
import static dev.loopgate.rules.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loopgate.rules.SimulationReport.LoopDelta;
import dev.loopgate.rules.SimulationReport.Side;
import dev.loopgate.rules.SimulationReport.TierTotals;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The what-if replay on a small traffic list whose totals are worked out by hand below. */
class WhatIfTest {
    /** Nano-dollars per prompt / completion token: big 10/30, small 2/6, tiny 1/1. */
    private static final CostModel COSTS = (model, prompt, completion) -> switch (model) {
        case "big" -> prompt * 10 + completion * 30;
        case "small" -> prompt * 2 + completion * 6;
        case "tiny" -> prompt + completion;
        default -> throw new AssertionError(model);
    };

    private static RecordedCall call(String json) {
        return RecordedCall.fromJson(json(json));
    }

    private static final List<RecordedCall> TRAFFIC = List.of(
            call("{loop_id: loop-a, model: auto, role: checker,    prompt_tokens: 100,  completion_tokens: 50}"),
            call("{loop_id: loop-a, model: auto, role: maker,      prompt_tokens: 200,  completion_tokens: 100}"),
            call("{loop_id: loop-b, model: auto, role: summarizer, prompt_tokens: 1000, completion_tokens: 10}"),
            call("{loop_id: loop-b, model: big,  role: maker,      prompt_tokens: 10,   completion_tokens: 10}"),
            call("{loop_id: loop-c, model: auto, role: intruder,   prompt_tokens: 50,   completion_tokens: 50}"),
            call("{loop_id: loop-e, model: big,                    prompt_tokens: 10,   completion_tokens: 10}"),
            call("{loop_id: loop-d, model: big,                    prompt_tokens: 10,   completion_tokens: 10}"));

    @Test
    void replayComparesTierMixCostAndPerLoopDeltas() {
        RuleSet before = RuleSet.compile(null, TIERS); // auto -> mid (small first), big -> big
        RuleSet after = Fixtures.rules("""
                - { id: check, when: { role: checker }, route: frontier }
                - { id: chores, when: { role: "summar*" }, route: light }
                - { id: no-intruders, when: { role: intruder }, reject: { message: no } }
                """);

        SimulationReport report = WhatIf.simulate(TRAFFIC, before, after, COSTS);

        // Before: every auto call on mid's first model (small), the explicit ones on big.
        //   loop-a checker   small 100*2 + 50*6   =  500
        //   loop-a maker     small 200*2 + 100*6  = 1000
        //   loop-b summary   small 1000*2 + 10*6  = 2060
        //   loop-b explicit  big   10*10 + 10*30  =  400
        //   loop-c intruder  small 50*2 + 50*6    =  400
        //   loop-e, loop-d   big   400 each       =  800
        // mid: 4 calls, 500+1000+2060+400 = 3960; model:big: 3 calls, 1200; total 5160.
        assertEquals(new Side(7, 0, 5160, totals(0, 0, 4, 3960, 0, 0, 3, 1200)), report.before());

        // After: checker on frontier (big), summary on light (tiny), intruder refused.
        //   loop-a checker   big   100*10 + 50*30  = 2500
        //   loop-a maker     small                 = 1000
        //   loop-b summary   tiny  1000 + 10       = 1010
        //   loop-b explicit  big                   =  400
        //   loop-c intruder  rejected              =    0
        //   loop-e, loop-d   big                   =  800
        // total 2500+1000+1010+400+800 = 5710.
        assertEquals(new Side(7, 1, 5710, totals(1, 2500, 1, 1000, 1, 1010, 3, 1200)), report.after());
        assertEquals(550, report.deltaNanos());

        // loop-a 1500 -> 3500 (+2000), loop-b 2460 -> 1410 (-1050), loop-c 400 -> 0 (-400),
        // loop-d and loop-e unchanged: by |delta| descending, ties by loop id.
        assertEquals(List.of(
                new LoopDelta("loop-a", 1500, 3500),
                new LoopDelta("loop-b", 2460, 1410),
                new LoopDelta("loop-c", 400, 0),
                new LoopDelta("loop-d", 400, 400),
                new LoopDelta("loop-e", 400, 400)), report.loops());
    }

    @Test
    void tiersComeInConfiguredOrderThenConcreteModelsSorted() {
        RuleSet toModels = Fixtures.rules("[{id: s, when: {role: maker}, route: {model: small}}]");
        SimulationReport report = WhatIf.simulate(TRAFFIC, toModels, toModels, COSTS);
        assertEquals(List.of("frontier", "mid", "light", "model:big", "model:small"), List.copyOf(report.before().tiers().keySet()));
    }

    @Test
    void noTrafficIsAnEmptyReport() {
        RuleSet none = RuleSet.compile(null, TIERS);
        SimulationReport report = WhatIf.simulate(List.of(), none, none, COSTS);
        assertEquals(new Side(0, 0, 0, totals(0, 0, 0, 0, 0, 0, -1, 0)), report.before());
        assertEquals(List.of(), report.loops());
    }

    /** frontier, mid, light and (when bigCalls >= 0) model:big, as calls and cost pairs. */
    private static Map<String, TierTotals> totals(long fc, long fn, long mc, long mn, long lc, long ln, long bigCalls, long bigNanos) {
        Map<String, TierTotals> totals = new LinkedHashMap<>();
        totals.put("frontier", new TierTotals(fc, fn));
        totals.put("mid", new TierTotals(mc, mn));
        totals.put("light", new TierTotals(lc, ln));
        if (bigCalls >= 0) {
            totals.put("model:big", new TierTotals(bigCalls, bigNanos));
        }
        return totals;
    }
}
