package dev.loopgate.rules;

import static dev.loopgate.rules.Fixtures.facts;
import static dev.loopgate.rules.Fixtures.rules;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every kind of condition and every comparison form, one row per case. */
class ConditionsTest {
    /** True when a single rule with this {@code when} decides the call. */
    private static boolean matches(String when, String facts) {
        RuleSet rules = rules("[{id: t, when: " + when + ", route: frontier}]");
        return rules.decide(facts(facts)).rule().equals("t");
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {loop: build-*}                  | {loop_id: build-7}              | true
            {loop: build-*}                  | {loop_id: nightly}              | false
            {loop: [nightly, build-*]}       | {loop_id: build-7}              | true
            {run: r-1}                       | {run: r-1}                      | true
            {run: r-1}                       | {}                              | false
            {role: checker}                  | {role: checker}                 | true
            {role: checker}                  | {role: Checker}                 | false
            {role: [checker, review*]}       | {role: reviewer}                | true
            {role: [checker, review*]}       | {role: maker}                   | false
            {role: checker}                  | {}                              | false
            {model: auto}                    | {model: auto}                   | true
            {model: auto}                    | {model: big}                    | false
            {model: [frontier, mid, light]}  | {model: mid}                    | true
            {model: gpt-4o*}                 | {model: gpt-4o-mini}            | true
            """)
    void textConditionsMatchGlobsAndAListMatchesWhenAnyGlobDoes(String when, String facts, boolean expected) {
        assertEquals(expected, matches(when, facts));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {step: "<5"}                 | {step: 4}                  | true
            {step: "<5"}                 | {step: 5}                  | false
            {step: "<=5"}                | {step: 5}                  | true
            {step: "<=5"}                | {step: 6}                  | false
            {step: ">5"}                 | {step: 6}                  | true
            {step: ">5"}                 | {step: 5}                  | false
            {step: ">=5"}                | {step: 5}                  | true
            {step: ">=5"}                | {step: 4}                  | false
            {step: "==3"}                | {step: 3}                  | true
            {step: "==3"}                | {step: 4}                  | false
            {step: 3}                    | {step: 3}                  | true
            {step: "3"}                  | {step: 3}                  | true
            {step: 3}                    | {step: 4}                  | false
            {step: " >= 5 "}             | {step: 7}                  | true
            {step: "2..5"}               | {step: 2}                  | true
            {step: "2..5"}               | {step: 5}                  | true
            {step: "2..5"}               | {step: 1}                  | false
            {step: "2..5"}               | {step: 6}                  | false
            {step: "3..3"}               | {step: 3}                  | true
            {step: ">=0"}                | {}                         | false
            {step: "<5"}                 | {}                         | false
            {step: "0..100"}             | {}                         | false
            {max_tokens: "<=1000"}       | {}                         | false
            {max_tokens: "<=1000"}       | {max_tokens: 1000}         | true
            {max_tokens: ">1000"}        | {max_tokens: 1000}         | false
            {prompt_tokens: ">=8000"}    | {prompt_tokens: 8000}      | true
            {prompt_tokens: ">=8000"}    | {}                         | false
            {repeat_count: ">=2"}        | {repeat_count: 2}          | true
            {repeat_count: ">=2"}        | {repeat_count: 1}          | false
            {budget_used: ">=0.8"}       | {budget_used: 0.8}         | true
            {budget_used: ">=0.8"}       | {budget_used: 0.79}        | false
            {budget_used: "<0.5"}        | {}                         | true
            {budget_used: 1}             | {budget_used: 1.0}         | true
            {budget_used: "0.5..0.9"}    | {budget_used: 0.7}         | true
            {budget_used: "0.5..0.9"}    | {budget_used: 0.95}        | false
            {hour: "9..17"}              | {hour: 12}                 | true
            {hour: "9..17"}              | {hour: 18}                 | false
            {hour: "22..6"}              | {hour: 22}                 | true
            {hour: "22..6"}              | {hour: 23}                 | true
            {hour: "22..6"}              | {hour: 0}                  | true
            {hour: "22..6"}              | {hour: 6}                  | true
            {hour: "22..6"}              | {hour: 7}                  | false
            {hour: "22..6"}              | {hour: 12}                 | false
            {hour: "<6"}                 | {hour: 5}                  | true
            {hour: 0}                    | {}                         | true
            """)
    void comparisonsHoldOnlyForPresentFactsInTheirRange(String when, String facts, boolean expected) {
        assertEquals(expected, matches(when, facts));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {tools: true}         | {tools: true}        | true
            {tools: true}         | {}                   | false
            {tools: false}        | {}                   | true
            {tools: false}        | {tools: true}        | false
            {images: true}        | {images: true}       | true
            {images: true}        | {images: false}      | false
            {json_mode: true}     | {json_mode: true}    | true
            {json_mode: true}     | {}                   | false
            {stream: true}        | {stream: true}       | true
            {stream: false}       | {stream: true}       | false
            """)
    void booleanConditionsCompareTheFlagExactly(String when, String facts, boolean expected) {
        assertEquals(expected, matches(when, facts));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {header: {X-Team: "infra*"}}              | {headers: {X-Team: infra-eu}}              | true
            {header: {X-Team: infra}}                 | {headers: {x-team: infra}}                 | true
            {header: {x-team: infra}}                 | {headers: {X-TEAM: infra}}                 | true
            {header: {X-Team: infra}}                 | {headers: {X-Team: Infra}}                 | false
            {header: {X-Team: infra}}                 | {}                                         | false
            {header: {X-Team: infra, X-Env: prod}}    | {headers: {X-Team: infra}}                 | false
            {header: {X-Team: infra, X-Env: prod}}    | {headers: {X-Team: infra, X-Env: prod}}    | true
            {header: {X-Env: [prod, staging]}}        | {headers: {X-Env: staging}}                | true
            {metadata: {task: summary}}               | {metadata: {task: summary}}                | true
            {metadata: {task: summary}}               | {metadata: {Task: summary}}                | false
            {metadata: {task: "sum*", lang: en}}      | {metadata: {task: summary}}                | false
            {metadata: {priority: 1}}                 | {metadata: {priority: 1}}                  | true
            """)
    void headerNamesAreCaseInsensitiveMetadataKeysExactAndEveryListedOneMustMatch(String when, String facts, boolean expected) {
        assertEquals(expected, matches(when, facts));
    }

    @ParameterizedTest(name = "{0} on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {role: checker, step: ">=5"}                          | {role: checker, step: 5}            | true
            {role: checker, step: ">=5"}                          | {role: checker, step: 4}            | false
            {any: [{role: checker}, {step: ">=10"}]}              | {step: 10}                          | true
            {any: [{role: checker}, {step: ">=10"}]}              | {role: checker}                     | true
            {any: [{role: checker}, {step: ">=10"}]}              | {role: maker, step: 1}              | false
            {all: [{role: checker}, {step: ">=10"}]}              | {role: checker, step: 10}           | true
            {all: [{role: checker}, {step: ">=10"}]}              | {role: checker}                     | false
            {not: {role: checker}}                                | {role: maker}                       | true
            {not: {role: checker}}                                | {role: checker}                     | false
            {not: {role: checker}}                                | {}                                  | true
            {not: {step: ">=5"}}                                  | {}                                  | true
            {not: {not: {tools: true}}}                           | {tools: true}                       | true
            {any: [{not: {tools: true}}, {all: [{role: x}, {hour: "22..6"}]}]} | {tools: true, role: x, hour: 23} | true
            {any: [{not: {tools: true}}, {all: [{role: x}, {hour: "22..6"}]}]} | {tools: true, role: x, hour: 12} | false
            {role: x, any: [{step: 1}, {step: 2}], not: {stream: true}} | {role: x, step: 2}             | true
            {role: x, any: [{step: 1}, {step: 2}], not: {stream: true}} | {role: x, step: 2, stream: true} | false
            """)
    void severalKeysAllMustHoldAndAnyAllNotCombineAndNest(String when, String facts, boolean expected) {
        assertEquals(expected, matches(when, facts));
    }
}
