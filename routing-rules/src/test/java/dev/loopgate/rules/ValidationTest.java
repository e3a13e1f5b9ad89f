package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.TIERS;
import static dev.loopgate.rules.Fixtures.json;
import static dev.loopgate.rules.Fixtures.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One row per validation rule, with the exact path-qualified message; and all problems are reported at once. */
class ValidationTest {
    private static final String CONDITIONS = "loop, run, role, model, step, prompt_tokens, max_tokens, repeat_count, "
            + "budget_used, hour, tools, images, json_mode, stream, header, metadata, any, all, not";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            [{id: a, route: medium}]                                  | rules[0].route: unknown tier 'medium' (tiers: frontier, mid, light)
            [{id: a, route: {tier: medium}}]                          | rules[0].route.tier: unknown tier 'medium' (tiers: frontier, mid, light)
            [{id: a, route: big}]                                     | rules[0].route: unknown tier 'big' (tiers: frontier, mid, light; for a model write { model: big })
            [{id: a, route: {model: gpt-x}}]                          | rules[0].route.model: unknown model 'gpt-x' (models: big, small, tiny)
            [{id: a, route: {tier: 3}}]                               | rules[0].route.tier: expected a tier name, got 3
            [{id: a, route: {model: [big]}}]                          | rules[0].route.model: expected a model id, got ["big"]
            [{id: a, route: mid, priority: 1}]                        | rules[0].priority: unknown field 'priority' (expected one of: id, when, route, reject)
            [{id: a, route: {tier: mid, weight: 2}}]                  | rules[0].route.weight: unknown field 'weight' (expected one of: tier, model, escalate, deescalate, max_tokens_cap)
            [{id: a, reject: {message: no, code: 418}}]               | rules[0].reject.code: unknown field 'code' (expected one of: message)
            [{id: a, route: 5}]                                       | rules[0].route: expected a tier name or an object like { tier: mid }, got 5
            [{id: a, route: {}}]                                      | rules[0].route: expected a destination (tier or model) or modifiers (escalate, deescalate, max_tokens_cap)
            [{id: a, route: {tier: mid, model: big}}]                 | rules[0].route: has both 'tier' and 'model' (a route goes to one place)
            [{id: a, route: {tier: mid, escalate: 1}}]                | rules[0].route.escalate: cannot be combined with 'tier' (a destination is final: name the tier you want, or give 'escalate' a rule of its own)
            [{id: a, route: {model: big, deescalate: 1}}]             | rules[0].route.deescalate: cannot be combined with 'model' (a destination is final: name the tier you want, or give 'deescalate' a rule of its own)
            [{id: a, route: {escalate: 0}}]                           | rules[0].route.escalate: expected a positive whole number, got 0
            [{id: a, route: {escalate: 1.5}}]                         | rules[0].route.escalate: expected a positive whole number, got 1.5
            [{id: a, route: {escalate: "1"}}]                         | rules[0].route.escalate: expected a positive whole number, got "1"
            [{id: a, route: {deescalate: -1}}]                        | rules[0].route.deescalate: expected a positive whole number, got -1
            [{id: a, route: {max_tokens_cap: 0}}]                     | rules[0].route.max_tokens_cap: expected a positive whole number, got 0
            [{id: a, route: {tier: light, max_tokens_cap: -5}}]       | rules[0].route.max_tokens_cap: expected a positive whole number, got -5
            [{id: a, route: {max_tokens_cap: 9999999999}}]            | rules[0].route.max_tokens_cap: expected a positive whole number, got 9999999999
            [{id: a, reject: no}]                                     | rules[0].reject: expected an object like { message: "..." }, got "no"
            [{id: a, reject: {}}]                                     | rules[0].reject.message: missing (the caller is shown this text)
            [{id: a, reject: {message: 5}}]                           | rules[0].reject.message: expected a string, got 5
            [{id: a, reject: {message: " "}}]                         | rules[0].reject.message: must not be empty
            [{id: a, route: mid, reject: {message: no}}]              | rules[0]: has both 'route' and 'reject' (a rule does one of them)
            [{id: a, when: {role: x}}]                                | rules[0]: needs 'route' or 'reject'
            [{route: mid}]                                            | rules[0].id: missing (every rule needs a unique id)
            [{id: 5, route: mid}]                                     | rules[0].id: expected a string, got 5
            [{id: "", route: mid}]                                    | rules[0].id: must not be empty
            [{id: "caf\\u00e9", route: mid}]                          | rules[0].id: may only hold printable ASCII characters (it is sent in the x-loopgate-rule header), got "café"
            [{id: "model:auto", route: mid}]                          | rules[0].id: 'model:auto' is reserved: ids starting with 'model:' name decisions made by the requested model
            [{id: default, route: mid}, {id: default, route: light}]  | rules[1].id: duplicate id 'default' (also rules[0])
            [5]                                                       | rules[0]: expected a rule object like { id, when, route }, got 5
            [{id: a, when: {colour: red}, route: mid}]                | rules[0].when.colour: unknown condition 'colour' (expected one of: CONDITIONS)
            [{id: a, when: [], route: mid}]                           | rules[0].when: expected an object of conditions, got []
            [{id: a, when: {}, route: mid}]                           | rules[0].when: expected at least one condition (leave 'when' out to match every call)
            [{id: a, when: {role: {a: b}}, route: mid}]               | rules[0].when.role: expected a glob or a list of globs, got {"a":"b"}
            [{id: a, when: {role: ""}, route: mid}]                   | rules[0].when.role: a glob must not be empty
            [{id: a, when: {role: []}, route: mid}]                   | rules[0].when.role: expected at least one glob
            [{id: a, when: {loop: [a, {}]}, route: mid}]              | rules[0].when.loop[1]: expected a glob or a list of globs, got {}
            [{id: a, when: {model: true}, route: mid}]                | rules[0].when.model: expected a glob or a list of globs, got true
            [{id: a, when: {tools: "true"}, route: mid}]              | rules[0].when.tools: expected true or false, got "true"
            [{id: a, when: {stream: yes}, route: mid}]                | rules[0].when.stream: expected true or false, got "yes"
            [{id: a, when: {header: x}, route: mid}]                  | rules[0].when.header: expected an object of header names to globs, got "x"
            [{id: a, when: {metadata: {}}, route: mid}]               | rules[0].when.metadata: expected an object of metadata keys to globs, got {}
            [{id: a, when: {header: {X-Team: [1.5]}}, route: mid}]    | rules[0].when.header.X-Team[0]: expected a glob or a list of globs, got 1.5
            [{id: a, when: {step: five}, route: mid}]                 | rules[0].when.step: expected a comparison like ">=5", got "five"
            [{id: a, when: {step: "=>5"}, route: mid}]                | rules[0].when.step: expected a comparison like ">=5", got "=>5"
            [{id: a, when: {step: true}, route: mid}]                 | rules[0].when.step: expected a comparison like ">=5", got true
            [{id: a, when: {step: "<2.5"}, route: mid}]               | rules[0].when.step: expected a whole number, got "<2.5"
            [{id: a, when: {max_tokens: 2.5}, route: mid}]            | rules[0].when.max_tokens: expected a whole number, got 2.5
            [{id: a, when: {repeat_count: "<-1"}, route: mid}]        | rules[0].when.repeat_count: must not be negative, got "<-1"
            [{id: a, when: {prompt_tokens: "1..x"}, route: mid}]      | rules[0].when.prompt_tokens: expected a comparison like ">=8000", got "1..x"
            [{id: a, when: {step: "5..2"}, route: mid}]               | rules[0].when.step: empty range "5..2" (write the low end first)
            [{id: a, when: {hour: 24}, route: mid}]                   | rules[0].when.hour: expected hour 0..23, got 24
            [{id: a, when: {hour: "20..25"}, route: mid}]             | rules[0].when.hour: expected hour 0..23, got "20..25"
            [{id: a, when: {hour: ">=6.5"}, route: mid}]              | rules[0].when.hour: expected a whole number, got ">=6.5"
            [{id: a, when: {budget_used: high}, route: mid}]          | rules[0].when.budget_used: expected a comparison like ">=0.8", got "high"
            [{id: a, when: {budget_used: ">=-0.5"}, route: mid}]      | rules[0].when.budget_used: must not be negative, got ">=-0.5"
            [{id: a, when: {any: []}, route: mid}]                    | rules[0].when.any: expected a non-empty list of conditions, got []
            [{id: a, when: {all: []}, route: mid}]                    | rules[0].when.all: expected a non-empty list of conditions, got []
            [{id: a, when: {all: {role: x}}, route: mid}]             | rules[0].when.all: expected a non-empty list of conditions, got {"role":"x"}
            [{id: a, when: {not: 5}, route: mid}]                     | rules[0].when.not: expected an object of conditions, got 5
            [{id: a, when: {any: [{role: x}, {step: x}]}, route: mid}] | rules[0].when.any[1].step: expected a comparison like ">=5", got "x"
            [{id: a, when: {not: {all: [{hour: 99}]}}, route: mid}]   | rules[0].when.not.all[0].hour: expected hour 0..23, got 99
            """)
    void eachProblemIsReportedWithItsPath(String rules, String expected) {
        assertEquals(List.of(expected.replace("CONDITIONS", CONDITIONS)), problems(rules));
    }

    @Test
    void everyProblemInADocumentIsReportedInOrderNotJustTheFirst() {
        List<String> problems = problems("""
                - { id: default, when: { step: five }, route: medium }
                - { id: default, route: { escalate: 0 } }
                - { id: c, when: { colour: red, any: [] } }
                - { id: d, route: { tier: light, max_tokens_cap: 500 } }
                """);
        assertEquals(List.of(
                "rules[0].when.step: expected a comparison like \">=5\", got \"five\"",
                "rules[0].route: unknown tier 'medium' (tiers: frontier, mid, light)",
                "rules[1].id: duplicate id 'default' (also rules[0])",
                "rules[1].route.escalate: expected a positive whole number, got 0",
                "rules[2].when.colour: unknown condition 'colour' (expected one of: " + CONDITIONS + ")",
                "rules[2].when.any: expected a non-empty list of conditions, got []",
                "rules[2]: needs 'route' or 'reject'"), problems);
    }

    @Test
    void theExceptionMessageListsEveryProblem() {
        RulesException e = assertThrows(RulesException.class,
                () -> Fixtures.rules("[{id: a, route: medium}, {id: b, route: huge}]"));
        assertEquals("2 problems in the rules:\n"
                + "  rules[0].route: unknown tier 'medium' (tiers: frontier, mid, light)\n"
                + "  rules[1].route: unknown tier 'huge' (tiers: frontier, mid, light)", e.getMessage());
    }

    @Test
    void rulesThatAreNotAListAreOneProblem() {
        RulesException e = assertThrows(RulesException.class, () -> RuleSet.compile(json("{a: 1}"), TIERS));
        assertEquals(List.of("rules: expected a list of rules, got {\"a\":1}"), e.problems());
    }

    @Test
    void aBadDocumentOfTheWholeTextIsAProblemToo() {
        assertEquals(List.of("rules: expected a list of rules or { rules: [...] }, got \"just text\""), problems("just text"));
        assertEquals(List.of("policy: unknown top-level field 'policy' (a rules document is a list of rules or { rules: [...] })"),
                problems("{rules: [], policy: strict}"));
        assertEquals(List.of("rules: missing (a rules document is a list of rules or { rules: [...] })"), problems("{}"));
    }

    @Test
    void syntaxErrorsAreProblemsWithALine() {
        List<String> problems = problems("- {id: a, route: mid}\n- {id: b, route: [\n");
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("rules: not valid YAML or JSON at line "), problems.get(0));
    }

    @Test
    void aDuplicateKeyIsASyntaxError() {
        List<String> problems = problems("- {id: a, route: mid, route: light}");
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).startsWith("rules: not valid YAML or JSON at line 1") && problems.get(0).contains("route"),
                problems.get(0));
    }
}
