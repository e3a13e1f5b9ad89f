package dev.loopgate.rules.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.rules.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compiles a {@code when} object into a {@link Condition}, reporting every problem with its path. */
final class WhenParser {
    static final List<String> KEYS = List.of(
            "loop", "run", "role", "model",
            "step", "prompt_tokens", "max_tokens", "repeat_count", "budget_used", "hour",
            "tools", "images", "json_mode", "stream",
            "header", "metadata",
            "any", "all", "not");

    private final Problems problems;
    private final ComparisonParser comparisons;

    WhenParser(Problems problems) {
        this.problems = problems;
        this.comparisons = new ComparisonParser(problems);
    }

    /** The condition, or null when it has problems (all of them reported). */
    Condition parse(JsonNode when, String path) {
        if (!when.isObject()) {
            problems.add(path, "expected an object of conditions, got " + Problems.shown(when));
            return null;
        }
        if (when.isEmpty()) {
            problems.add(path, "expected at least one condition (leave 'when' out to match every call)");
            return null;
        }
        int before = problems.count();
        List<Condition> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : when.properties()) {
            Condition part = key(field.getKey(), field.getValue(), path + "." + field.getKey());
            if (part != null) {
                parts.add(part);
            }
        }
        if (problems.count() > before) {
            return null;
        }
        return parts.size() == 1 ? parts.get(0) : new AllCondition(parts, false);
    }

    private Condition key(String key, JsonNode value, String path) {
        switch (key) {
            case "loop": return text(TextCondition.Source.LOOP, null, value, path);
            case "run": return text(TextCondition.Source.RUN, null, value, path);
            case "role": return text(TextCondition.Source.ROLE, null, value, path);
            case "model": return text(TextCondition.Source.MODEL, null, value, path);
            case "step": return comparisons.parse(NumericFact.STEP, value, path);
            case "prompt_tokens": return comparisons.parse(NumericFact.PROMPT_TOKENS, value, path);
            case "max_tokens": return comparisons.parse(NumericFact.MAX_TOKENS, value, path);
            case "repeat_count": return comparisons.parse(NumericFact.REPEAT_COUNT, value, path);
            case "budget_used": return comparisons.parse(NumericFact.BUDGET_USED, value, path);
            case "hour": return comparisons.parse(NumericFact.HOUR, value, path);
            case "tools": return flag(FlagCondition.Flag.TOOLS, value, path);
            case "images": return flag(FlagCondition.Flag.IMAGES, value, path);
            case "json_mode": return flag(FlagCondition.Flag.JSON_MODE, value, path);
            case "stream": return flag(FlagCondition.Flag.STREAM, value, path);
            case "header": return keyed(TextCondition.Source.HEADER, value, path);
            case "metadata": return keyed(TextCondition.Source.METADATA, value, path);
            case "any": return list(value, path, true);
            case "all": return list(value, path, false);
            case "not": {
                Condition inner = parse(value, path);
                return inner == null ? null : new NotCondition(inner);
            }
            default:
                problems.add(path, "unknown condition '" + key + "' (expected one of: " + String.join(", ", KEYS) + ")");
                return null;
        }
    }

    private Condition text(TextCondition.Source source, String name, JsonNode value, String path) {
        int before = problems.count();
        List<Glob> globs = new ArrayList<>();
        if (value.isArray()) {
            if (value.isEmpty()) {
                problems.add(path, "expected at least one glob");
            }
            for (int i = 0; i < value.size(); i++) {
                glob(value.get(i), path + "[" + i + "]", globs);
            }
        } else {
            glob(value, path, globs);
        }
        return problems.count() > before ? null : new TextCondition(source, name, globs.toArray(new Glob[0]));
    }

    private void glob(JsonNode node, String path, List<Glob> into) {
        String text = node.isTextual() ? node.textValue() : Numbers.isWholeNode(node) ? node.asText() : null;
        if (text == null) {
            problems.add(path, "expected a glob or a list of globs, got " + Problems.shown(node));
        } else if (text.isEmpty()) {
            problems.add(path, "a glob must not be empty");
        } else {
            into.add(Glob.compile(text));
        }
    }

    private Condition flag(FlagCondition.Flag flag, JsonNode value, String path) {
        if (!value.isBoolean()) {
            problems.add(path, "expected true or false, got " + Problems.shown(value));
            return null;
        }
        return new FlagCondition(flag, value.booleanValue());
    }

    private Condition keyed(TextCondition.Source source, JsonNode value, String path) {
        String what = source == TextCondition.Source.HEADER ? "header names" : "metadata keys";
        if (!value.isObject() || value.isEmpty()) {
            problems.add(path, "expected an object of " + what + " to globs, got " + Problems.shown(value));
            return null;
        }
        int before = problems.count();
        List<Condition> parts = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            Condition part = text(source, field.getKey(), field.getValue(), path + "." + field.getKey());
            if (part != null) {
                parts.add(part);
            }
        }
        if (problems.count() > before) {
            return null;
        }
        return parts.size() == 1 ? parts.get(0) : new AllCondition(parts, false);
    }

    private Condition list(JsonNode value, String path, boolean any) {
        if (!value.isArray() || value.isEmpty()) {
            problems.add(path, "expected a non-empty list of conditions, got " + Problems.shown(value));
            return null;
        }
        List<Condition> parts = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            Condition part = parse(value.get(i), path + "[" + i + "]");
            if (part != null) {
                parts.add(part);
            }
        }
        if (parts.size() < value.size()) {
            return null;
        }
        return any ? new AnyCondition(parts) : new AllCondition(parts, true);
    }
}
