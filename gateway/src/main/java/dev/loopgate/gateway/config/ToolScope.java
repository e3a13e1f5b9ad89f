package dev.loopgate.gateway.config;

import dev.loopgate.rules.Glob;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code tools:}: per loop glob (first match wins), the tools a loop may be given and the tool
 * calls its model may propose. A tool is forbidden when a {@code deny} entry names it (by a
 * name glob, with no argument pattern) or when the loop has {@code allow} entries and none
 * names it; a proposed call also when a {@code deny} entry's pattern finds its arguments.
 * Patterns are compiled when the config is read, never per call.
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

        /**
         * The first call a model proposed that this loop may not make, or null: one a {@code deny}
         * entry names (and, when it has one, whose arguments its pattern finds), or, with
         * {@code allow} entries, one none of them names.
         */
        public ProposedCall firstForbiddenCall(List<ProposedCall> calls) {
            for (ProposedCall call : calls) {
                boolean denied = deny.stream().anyMatch(entry -> entry.tool().matches(call.name())
                        && (entry.args() == null || entry.args().matcher(call.arguments()).find()));
                boolean unlisted = !allow.isEmpty() && allow.stream().noneMatch(entry -> entry.tool().matches(call.name()));
                if (denied || unlisted) {
                    return call;
                }
            }
            return null;
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

    /** A tool call a model proposed: the tool's name and its arguments as JSON text. */
    public record ProposedCall(String name, String arguments) {
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
