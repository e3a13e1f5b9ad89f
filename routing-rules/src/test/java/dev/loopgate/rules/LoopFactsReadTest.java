package dev.loopgate.rules;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A gateway skips its ledger read only when no rule can see what it would have read. */
class LoopFactsReadTest {
    @Test
    void rulesThatReadNoLoopFactsSaySo() {
        assertFalse(Fixtures.rules("[]").readsLoopFacts());
        assertFalse(Fixtures.rules("""
                - { id: checker, when: { role: checker, step: ">=3" }, route: frontier }
                - { id: by-header, when: { header: { budget_used: "x" } }, route: light }
                - { id: by-metadata, when: { metadata: { repeat_count: "2" } }, route: light }
                - { id: rest, route: mid }
                """).readsLoopFacts(), "a header or metadata entry of that name is not the fact");
    }

    @Test
    void aLoopFactAnywhereInAConditionIsRead() {
        assertTrue(Fixtures.rules("- { id: r, when: { repeat_count: \">=2\" }, route: { escalate: 1 } }")
                .readsLoopFacts());
        assertTrue(Fixtures.rules("""
                - { id: a, when: { role: maker }, route: mid }
                - { id: b, when: { any: [ { role: x }, { all: [ { step: ">1" }, { not: { budget_used: ">=0.5" } } ] } ] }, route: light }
                """).readsLoopFacts());
        assertTrue(DefaultRules.compile(Fixtures.TIERS).readsLoopFacts(), "the default pack escalates repeats");
    }
}
