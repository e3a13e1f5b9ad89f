package dev.loopgate.gateway.config;

import dev.loopgate.rules.Glob;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code tools:}: per loop glob (first match wins), the tools a loop may be given. A tool is
 * forbidden when a {@code deny} entry names it (by a name glob, with no argument pattern) or
 * when the loop has {@code allow} entries and none names it. Patterns are compiled when the
 * config is read, never per call.
 */
public record ToolScope(List<LoopTools> loops) {
    public static final ToolScope NONE = new ToolScope(List.of());

    public ToolScope {
        loops = List.copyOf(loops);
    }

    /** One loop glob's entries. */
    public record LoopTools(Glob loop, List<Entry> allow, List<Entry> deny) {
        public LoopTools {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }

        /** The first of {@code names} this loop may not be given, or null. */
        public String firstForbidden(List<String> names) {
            for (String name : names) {
                boolean denied = deny.stream().anyMatch(entry -> entry.args() == null && entry.tool().matches(name));
                boolean unlisted = !allow.isEmpty() && allow.stream().noneMatch(entry -> entry.tool().matches(name));
                if (denied || unlisted) {
                    return name;
                }
            }
            return null;
        }
    }

    /** A tool-name glob and, optionally, a pattern searched for in the call's arguments. */
    public record Entry(Glob tool, Pattern args) {
        public Entry {
            Objects.requireNonNull(tool, "tool");
        }
    }

    /** The entries for {@code loopId}, or null when no glob matches (any tool). */
    public LoopTools forLoop(String loopId) {
        for (LoopTools tools : loops) {
            if (tools.loop().matches(loopId)) {
                return tools;
            }
        }
        return null;
    }
}
