package dev.loopgate.rules.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.rules.RulesException;
import dev.loopgate.rules.TierTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Validates a JSON array of rules against the tiers and compiles it into an {@link Evaluator}. */
public final class RuleCompiler {
    static final List<String> RULE_FIELDS = List.of("id", "when", "route", "reject");
    static final String RESERVED_PREFIX = "model:";

    private final Problems problems = new Problems();
    private final TierTable tiers;
    private final WhenParser whens;
    private final ActionParser actions;
    private final Map<String, Integer> ids = new HashMap<>();

    private RuleCompiler(TierTable tiers) {
        this.tiers = tiers;
        this.whens = new WhenParser(problems);
        this.actions = new ActionParser(problems, tiers);
    }

    /**
     * @param rules a JSON array of rule objects; null, missing or JSON null mean no rules
     * @throws RulesException listing every problem, each prefixed by its path ({@code rules[3].when.step})
     */
    public static Evaluator compile(JsonNode rules, TierTable tiers) {
        Objects.requireNonNull(tiers, "tiers");
        RuleCompiler compiler = new RuleCompiler(tiers);
        List<CompiledRule> compiled = new ArrayList<>();
        if (rules != null && !rules.isNull() && !rules.isMissingNode()) {
            if (!rules.isArray()) {
                compiler.problems.add("rules", "expected a list of rules, got " + Problems.shown(rules));
            } else {
                for (int i = 0; i < rules.size(); i++) {
                    CompiledRule rule = compiler.rule(rules.get(i), i);
                    if (rule != null) {
                        compiled.add(rule);
                    }
                }
            }
        }
        compiler.problems.throwIfAny();
        return new Evaluator(compiled, tiers);
    }

    private CompiledRule rule(JsonNode node, int index) {
        String path = "rules[" + index + "]";
        if (!node.isObject()) {
            problems.add(path, "expected a rule object like { id, when, route }, got " + Problems.shown(node));
            return null;
        }
        int before = problems.count();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!RULE_FIELDS.contains(name)) {
                problems.add(path + "." + name, "unknown field '" + name + "' (expected one of: "
                        + String.join(", ", RULE_FIELDS) + ")");
            }
        }
        String id = id(node.get("id"), path, index);
        JsonNode whenNode = node.get("when");
        Condition when = whenNode == null || whenNode.isNull() ? Condition.ALWAYS : whens.parse(whenNode, path + ".when");
        RuleAction action = action(node, path);
        if (problems.count() > before) {
            return null;
        }
        return new CompiledRule(id, when, action, tiers);
    }

    private String id(JsonNode node, String path, int index) {
        String where = path + ".id";
        if (node == null || node.isNull()) {
            problems.add(where, "missing (every rule needs a unique id)");
            return null;
        }
        if (!node.isTextual()) {
            problems.add(where, "expected a string, got " + Problems.shown(node));
            return null;
        }
        String id = node.textValue();
        if (id.isBlank()) {
            problems.add(where, "must not be empty");
            return null;
        }
        if (!printableAscii(id)) {
            problems.add(where, "may only hold printable ASCII characters (it is sent in the x-loopgate-rule header), got "
                    + Problems.shown(node));
            return null;
        }
        if (id.startsWith(RESERVED_PREFIX)) {
            problems.add(where, "'" + id + "' is reserved: ids starting with 'model:' name decisions made by the requested model");
            return null;
        }
        Integer earlier = ids.putIfAbsent(id, index);
        if (earlier != null) {
            problems.add(where, "duplicate id '" + id + "' (also rules[" + earlier + "])");
            return null;
        }
        return id;
    }

    private RuleAction action(JsonNode node, String path) {
        JsonNode route = node.get("route");
        JsonNode reject = node.get("reject");
        boolean hasRoute = route != null && !route.isNull();
        boolean hasReject = reject != null && !reject.isNull();
        if (hasRoute && hasReject) {
            problems.add(path, "has both 'route' and 'reject' (a rule does one of them)");
        } else if (!hasRoute && !hasReject) {
            problems.add(path, "needs 'route' or 'reject'");
        }
        RuleAction routed = hasRoute ? actions.route(route, path + ".route") : null;
        RuleAction rejected = hasReject ? actions.reject(reject, path + ".reject") : null;
        return routed != null ? routed : rejected;
    }

    private static boolean printableAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }
}
