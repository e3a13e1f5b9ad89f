package dev.loopgate.rules.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Whether any rule's {@code when} reads {@code budget_used} or {@code repeat_count}: the facts a
 * gateway must read from its budget ledger before routing. Rules that read neither let it skip
 * that read.
 */
public final class LoopFactsRead {
    private LoopFactsRead() {
    }

    /** @param rules a validated rules document (an array of rule objects) */
    public static boolean byAnyRule(JsonNode rules) {
        for (JsonNode rule : rules) {
            if (reads(rule.path("when"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean reads(JsonNode when) {
        if (!when.isObject()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> field : when.properties()) {
            boolean found = switch (field.getKey()) {
                case "budget_used", "repeat_count" -> true;
                case "not" -> reads(field.getValue());
                case "any", "all" -> anyReads(field.getValue());
                default -> false;
            };
            if (found) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyReads(JsonNode conditions) {
        for (JsonNode condition : conditions) {
            if (reads(condition)) {
                return true;
            }
        }
        return false;
    }
}
