package dev.loopgate.rules.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.rules.TierTable;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/** Validates a rule's {@code route} or {@code reject} into a {@link RuleAction}, reporting every problem. */
final class ActionParser {
    static final List<String> ROUTE_FIELDS = List.of("tier", "model", "escalate", "deescalate", "max_tokens_cap");
    static final List<String> REJECT_FIELDS = List.of("message");

    private final Problems problems;
    private final TierTable tiers;
    private final String tierNames;
    private final String modelNames;

    ActionParser(Problems problems, TierTable tiers) {
        this.problems = problems;
        this.tiers = tiers;
        this.tierNames = String.join(", ", tiers.tiers().keySet());
        this.modelNames = String.join(", ", new TreeSet<>(tiers.models()));
    }

    /** The route action, or null when it has problems. */
    RuleAction route(JsonNode node, String path) {
        if (node.isTextual()) {
            return knownTier(node.textValue(), path) ? RuleAction.toTier(node.textValue(), 0) : null;
        }
        if (!node.isObject()) {
            problems.add(path, "expected a tier name or an object like { tier: mid }, got " + Problems.shown(node));
            return null;
        }
        if (node.isEmpty()) {
            problems.add(path, "expected a destination (tier or model) or modifiers (escalate, deescalate, max_tokens_cap)");
            return null;
        }
        int before = problems.count();
        unknownFields(node, path, ROUTE_FIELDS);
        JsonNode tier = node.get("tier");
        JsonNode model = node.get("model");
        if (tier != null) {
            if (!tier.isTextual()) {
                problems.add(path + ".tier", "expected a tier name, got " + Problems.shown(tier));
            } else {
                knownTier(tier.textValue(), path + ".tier");
            }
        }
        if (model != null) {
            if (!model.isTextual()) {
                problems.add(path + ".model", "expected a model id, got " + Problems.shown(model));
            } else if (!tiers.models().contains(model.textValue())) {
                problems.add(path + ".model", "unknown model '" + model.textValue() + "' (models: " + modelNames + ")");
            }
        }
        int escalate = positive(node, "escalate", path);
        int deescalate = positive(node, "deescalate", path);
        int cap = positive(node, "max_tokens_cap", path);
        if (tier != null && model != null) {
            problems.add(path, "has both 'tier' and 'model' (a route goes to one place)");
        }
        if (tier != null || model != null) {
            String destination = tier != null ? "tier" : "model";
            for (String shift : List.of("escalate", "deescalate")) {
                if (node.has(shift)) {
                    problems.add(path + "." + shift, "cannot be combined with '" + destination
                            + "' (a destination is final: name the tier you want, or give '" + shift + "' a rule of its own)");
                }
            }
        }
        if (problems.count() > before) {
            return null;
        }
        if (tier != null) {
            return RuleAction.toTier(tier.textValue(), cap);
        }
        return model != null ? RuleAction.toModel(model.textValue(), cap) : RuleAction.modifier(escalate, deescalate, cap);
    }

    /** The reject action, or null when it has problems. */
    RuleAction reject(JsonNode node, String path) {
        if (!node.isObject()) {
            problems.add(path, "expected an object like { message: \"...\" }, got " + Problems.shown(node));
            return null;
        }
        int before = problems.count();
        unknownFields(node, path, REJECT_FIELDS);
        JsonNode message = node.get("message");
        if (message == null || message.isNull()) {
            problems.add(path + ".message", "missing (the caller is shown this text)");
        } else if (!message.isTextual()) {
            problems.add(path + ".message", "expected a string, got " + Problems.shown(message));
        } else if (message.textValue().isBlank()) {
            problems.add(path + ".message", "must not be empty");
        }
        return problems.count() > before ? null : RuleAction.reject(message.textValue());
    }

    private boolean knownTier(String name, String path) {
        if (tiers.isTier(name)) {
            return true;
        }
        String hint = tiers.models().contains(name) ? "; for a model write { model: " + name + " }" : "";
        problems.add(path, "unknown tier '" + name + "' (tiers: " + tierNames + hint + ")");
        return false;
    }

    private int positive(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null) {
            return 0;
        }
        if (!Numbers.isWholeNode(value) || value.longValue() <= 0 || value.longValue() > Integer.MAX_VALUE) {
            problems.add(path + "." + field, "expected a positive whole number, got " + Problems.shown(value));
            return 0;
        }
        return value.intValue();
    }

    private void unknownFields(JsonNode node, String path, List<String> known) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                problems.add(path + "." + name, "unknown field '" + name + "' (expected one of: " + String.join(", ", known) + ")");
            }
        }
    }
}
