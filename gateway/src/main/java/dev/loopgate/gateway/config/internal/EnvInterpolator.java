package dev.loopgate.gateway.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} in every string value of a parsed YAML tree with the value
 * of environment variable {@code VAR}, whether it is the whole value or part of it.
 * <code>$${</code> stands for a literal <code>${</code>. Mapping keys are left alone.
 *
 * <p>A variable that is not set is a problem at the value's path, and expands to the
 * empty string so that later checks of the same value stay quiet (see {@link Problems}).
 */
final class EnvInterpolator {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;
    private final Problems problems;
    private final Set<String> fromEnv = new HashSet<>();

    private EnvInterpolator(Map<String, String> env, Problems problems) {
        this.env = env;
        this.problems = problems;
    }

    /**
     * Interpolates {@code root} in place.
     *
     * @return the paths of the values that took something from the environment, so that
     *     error messages can avoid echoing them
     */
    static Set<String> interpolate(JsonNode root, Map<String, String> env, Problems problems) {
        EnvInterpolator interpolator = new EnvInterpolator(env, problems);
        interpolator.walk(root, "");
        return Set.copyOf(interpolator.fromEnv);
    }

    private void walk(JsonNode node, String path) {
        if (node instanceof ObjectNode object) {
            for (String name : names(object)) {
                String childPath = Problems.field(path, name);
                JsonNode child = object.get(name);
                if (child.isTextual()) {
                    object.set(name, expand(child.textValue(), childPath));
                } else {
                    walk(child, childPath);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = Problems.index(path, i);
                JsonNode child = array.get(i);
                if (child.isTextual()) {
                    array.set(i, expand(child.textValue(), childPath));
                } else {
                    walk(child, childPath);
                }
            }
        }
    }

    private static List<String> names(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private JsonNode expand(String text, String path) {
        if (text.indexOf('$') < 0) {
            return TextNode.valueOf(text);
        }
        StringBuilder out = new StringBuilder(text.length());
        List<String> missing = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            if (text.startsWith("$${", at)) {
                out.append("${");
                at += 3;
            } else if (text.startsWith("${", at)) {
                int end = text.indexOf('}', at + 2);
                if (end < 0) {
                    problems.add(path, "unterminated '${' (write '$${' for a literal '${')");
                    return TextNode.valueOf("");
                }
                String name = text.substring(at + 2, end);
                if (!NAME.matcher(name).matches()) {
                    problems.add(path, "'${" + name + "}' is not a valid environment variable reference"
                            + " (write '$${' for a literal '${')");
                    return TextNode.valueOf("");
                }
                String value = env.get(name);
                if (value == null) {
                    missing.add(name);
                } else {
                    out.append(value);
                }
                fromEnv.add(path);
                at = end + 1;
            } else {
                out.append(text.charAt(at++));
            }
        }
        if (!missing.isEmpty()) {
            problems.add(path, missing.size() == 1
                    ? "environment variable " + missing.get(0) + " is not set"
                    : "environment variables " + String.join(", ", missing) + " are not set");
            return TextNode.valueOf("");
        }
        return TextNode.valueOf(out.toString());
    }
}
