package dev.loopgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.loopgate.rules.internal.Evaluator;
import dev.loopgate.rules.internal.LoopFactsRead;
import dev.loopgate.rules.internal.RuleCompiler;
import dev.loopgate.rules.internal.RulesText;
import java.util.List;

/**
 * A validated, compiled list of routing rules for one tier table. Immutable and thread-safe:
 * compile once, then call {@link #decide} for every request. The language is described in
 * {@code docs/rules.md}.
 */
public final class RuleSet {
    /** The decision's rule when no rule decided and the request's {@code model} names nothing configured. */
    public static final String RULE_UNKNOWN_MODEL = "model:unknown";

    private final Evaluator evaluator;
    private final ArrayNode document;
    private final boolean readsLoopFacts;

    private RuleSet(Evaluator evaluator, ArrayNode document) {
        this.evaluator = evaluator;
        this.document = document;
        this.readsLoopFacts = LoopFactsRead.byAnyRule(document);
    }

    /**
     * Validates and compiles {@code rules}, a JSON array of rule objects (null, missing, JSON null
     * or empty: no rules, so every call goes where its {@code model} asks).
     *
     * @throws RulesException listing every problem, each path-qualified ({@code rules[3].when.step: ...})
     */
    public static RuleSet compile(JsonNode rules, TierTable tiers) {
        Evaluator evaluator = RuleCompiler.compile(rules, tiers);
        ArrayNode document = rules != null && rules.isArray()
                ? ((ArrayNode) rules).deepCopy()
                : JsonNodeFactory.instance.arrayNode();
        return new RuleSet(evaluator, document);
    }

    /**
     * Parses YAML or JSON text, either a bare list of rules or {@code {rules: [...]}}, and compiles it.
     *
     * @throws RulesException for syntax errors as for every rule problem
     */
    public static RuleSet parse(String text, TierTable tiers) {
        return compile(RulesText.rules(text), tiers);
    }

    /** Where this call goes, or that it is refused. The hot path: allocates at most the decision. */
    public Decision decide(RequestFacts facts) {
        return evaluator.decide(facts);
    }

    /**
     * Whether a condition reads {@code budget_used} or {@code repeat_count}. When none does, a
     * caller may leave both out of the facts (reading them costs a budget-ledger round trip).
     */
    public boolean readsLoopFacts() {
        return readsLoopFacts;
    }

    /**
     * Where this rule set's decisions can change with {@code budget_used} and {@code repeat_count}:
     * deciding once per cell, a caller knows the decision for any facts its ledger will find.
     */
    public LoopFactCuts loopFactCuts() {
        return evaluator.loopFactCuts();
    }

    /** The same decision as {@link #decide}, with a trace of every rule and modifier. */
    public Explanation explain(RequestFacts facts) {
        return evaluator.explain(facts);
    }

    /** The rules as given, as a JSON array (a fresh copy): store it, show it, or compile it again. */
    public ArrayNode document() {
        return document.deepCopy();
    }

    public List<String> ruleIds() {
        return evaluator.ruleIds();
    }

    public int size() {
        return evaluator.ruleIds().size();
    }

    /** The tiers these rules were compiled against. */
    public TierTable tiers() {
        return evaluator.tiers();
    }

    @Override
    public String toString() {
        return "RuleSet" + ruleIds();
    }
}
