package dev.loopgate.gateway.config.internal;

import dev.loopgate.gateway.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Every problem found in one configuration, in the order found, each as
 * {@code path: message}. Only the first problem at a path is kept, so a value that
 * failed to bind is not reported again as missing or out of range.
 */
final class Problems {
    /** The path shown for problems with the document as a whole. */
    static final String ROOT = "(root)";

    private final List<String> messages = new ArrayList<>();
    private final Set<String> paths = new HashSet<>();

    void add(String path, String message) {
        String shown = path.isEmpty() ? ROOT : path;
        if (paths.add(shown)) {
            messages.add(shown + ": " + message);
        }
    }

    /** Problems already written as {@code path: message}, e.g. by the rules compiler. */
    void addFormatted(List<String> formatted) {
        formatted.forEach(problem -> {
            if (paths.add(problem)) {
                messages.add(problem);
            }
        });
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    void throwIfAny() {
        if (!messages.isEmpty()) {
            throw new ConfigException(messages);
        }
    }

    /** {@code parent.name}, or {@code name} at the top level. */
    static String field(String parent, String name) {
        return parent.isEmpty() ? name : parent + "." + name;
    }

    /** {@code parent[index]}. */
    static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
