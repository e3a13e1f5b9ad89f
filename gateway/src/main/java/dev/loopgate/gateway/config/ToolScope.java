package dev.loopgate.gateway.config;

import dev.loopgate.rules.Glob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * {@code tools:}: per loop glob (first match wins), the tools a loop may be given, the tool calls
 * its model may propose, the calls a human must approve first, and how many calls of a tool one
 * run may make. Patterns are compiled when the config is read, never per call.
 */
public record ToolScope(List<LoopTools> loops) {
    public static final ToolScope NONE = new ToolScope(List.of());

    public ToolScope {
        loops = List.copyOf(loops);
    }

    /** What becomes of a call a model proposed. */
    public enum Verdict {
        /** Delivered. */
        ALLOW,
        /** Not delivered: 403 {@code tool_forbidden}. */
        DENY,
        /** Held for a human: 403 {@code approval_required} until approved. */
        APPROVE,
        /** Only the call's arguments decide: asked before they have arrived. */
        NEEDS_ARGS
    }

    /** One loop glob's entries. */
    public record LoopTools(Glob loop, List<Entry> allow, List<Entry> deny, List<Entry> approve, List<ToolCap> maxCalls) {
        public LoopTools {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
            approve = List.copyOf(approve);
            maxCalls = List.copyOf(maxCalls);
        }

        /**
         * The verdict on a proposed call of {@code name}: {@code deny} beats {@code approve}, and with
         * {@code allow} entries a tool neither they nor an {@code approve} entry names is denied. With
         * {@code arguments} null (still streaming) it is {@link Verdict#NEEDS_ARGS} when an entry's
         * pattern is all that is left to decide.
         */
        public Verdict verdict(String name, String arguments) {
            Verdict denied = matched(deny, name, arguments);
            if (denied != null) {
                return denied == Verdict.ALLOW ? Verdict.DENY : denied;
            }
            if (unlisted(name)) {
                return Verdict.DENY;
            }
            Verdict approved = matched(approve, name, arguments);
            if (approved != null) {
                return approved == Verdict.ALLOW ? Verdict.APPROVE : approved;
            }
            return Verdict.ALLOW;
        }

        /** ALLOW when one of {@code entries} applies to the call, NEEDS_ARGS when its arguments would decide, else null. */
        private static Verdict matched(List<Entry> entries, String name, String arguments) {
            boolean undecided = false;
            for (Entry entry : entries) {
                if (!entry.tool().matches(name)) {
                    continue;
                }
                if (entry.args() == null) {
                    return Verdict.ALLOW;
                }
                if (arguments == null) {
                    undecided = true;
                } else if (entry.args().matcher(arguments).find()) {
                    return Verdict.ALLOW;
                }
            }
            return undecided ? Verdict.NEEDS_ARGS : null;
        }

        private boolean unlisted(String name) {
            return !allow.isEmpty() && allow.stream().noneMatch(entry -> entry.tool().matches(name))
                    && approve.stream().noneMatch(entry -> entry.tool().matches(name));
        }

        /**
         * The first of {@code names} this loop may not be given, or null: one a {@code deny} entry
         * without a pattern names, or, with {@code allow} entries, one neither they nor an
         * {@code approve} entry names.
         */
        public String firstForbidden(List<String> names) {
            for (String name : names) {
                boolean denied = deny.stream().anyMatch(entry -> entry.args() == null && entry.tool().matches(name));
                if (denied || unlisted(name)) {
                    return name;
                }
            }
            return null;
        }

        /** The per-run caps that count a call of {@code name}, cap glob → max calls, in config order. */
        public Map<String, Long> capsOf(String name) {
            Map<String, Long> caps = new LinkedHashMap<>();
            for (ToolCap cap : maxCalls) {
                if (cap.tool().matches(name)) {
                    caps.put(cap.tool().pattern(), cap.max());
                }
            }
            return caps;
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

    /** At most {@code max} calls of the tools {@code tool} names in one run ({@code max_calls}). */
    public record ToolCap(Glob tool, long max) {
        public ToolCap {
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
