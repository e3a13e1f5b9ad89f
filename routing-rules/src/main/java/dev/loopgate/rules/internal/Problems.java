package dev.loopgate.rules.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.rules.RulesException;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem found in a rule document, each prefixed by its path, so none hides another. */
final class Problems {
    private final List<String> problems = new ArrayList<>();

    void add(String path, String message) {
        problems.add(path + ": " + message);
    }

    int count() {
        return problems.size();
    }

    void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new RulesException(problems);
        }
    }

    /** A value as it appears in a message: strings quoted, anything else as compact JSON. */
    static String shown(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        if (node.isTextual()) {
            return '"' + node.textValue() + '"';
        }
        String json = node.toString();
        return json.length() > 80 ? json.substring(0, 77) + "..." : json;
    }
}
