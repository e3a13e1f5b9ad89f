package dev.loopgate.rules.internal;

import dev.loopgate.rules.Glob;
import dev.loopgate.rules.RequestFacts;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A text fact ({@code loop}, {@code run}, {@code role}, {@code model}, one header or one metadata
 * key) matched against one or more globs; any glob matching is enough. A fact that was not sent
 * matches nothing.
 */
final class TextCondition extends Condition {
    enum Source {
        LOOP("loop"), RUN("run"), ROLE("role"), MODEL("model"), HEADER("header"), METADATA("metadata");

        final String key;

        Source(String key) {
            this.key = key;
        }
    }

    private final Source source;
    /** The header name in lower case (the form every HTTP/2 request uses, so lookups need not convert it). */
    private final String name;
    private final String label;
    private final Glob[] globs;
    /** The one value to equal when the condition is a single glob without wildcards (the common case), else null. */
    private final String literal;

    /** {@code name} is the header or metadata key; ignored for the other sources. */
    TextCondition(Source source, String name, Glob[] globs) {
        this.source = source;
        this.name = source == Source.HEADER ? name.toLowerCase(Locale.ROOT) : name;
        this.label = source == Source.HEADER || source == Source.METADATA ? source.key + "." + name : source.key;
        this.globs = globs.clone();
        this.literal = globs.length == 1 && globs[0].isLiteral() ? globs[0].pattern() : null;
    }

    private String read(RequestFacts facts) {
        return switch (source) {
            case LOOP -> facts.loopId();
            case RUN -> facts.run();
            case ROLE -> facts.role();
            case MODEL -> facts.requestedModel();
            case HEADER -> facts.header(name);
            case METADATA -> facts.metadata(name);
        };
    }

    @Override
    boolean test(RequestFacts facts) {
        String value = read(facts);
        if (value == null) {
            return false;
        }
        if (literal != null) {
            return literal.equals(value);
        }
        for (Glob glob : globs) {
            if (glob.matches(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    String whyNot(RequestFacts facts) {
        String value = read(facts);
        if (value == null) {
            return label + ": not sent";
        }
        if (test(facts)) {
            return null;
        }
        if (globs.length == 1) {
            Glob glob = globs[0];
            return label + ": '" + value + "' " + (glob.isLiteral() ? "is not" : "does not match") + " '" + glob + "'";
        }
        return label + ": '" + value + "' matches none of " + quotedList();
    }

    @Override
    String describe() {
        return label + " " + (globs.length == 1 ? "'" + globs[0] + "'" : "[" + quotedList() + "]");
    }

    private String quotedList() {
        return Arrays.stream(globs).map(g -> "'" + g + "'").collect(Collectors.joining(", "));
    }

    @Override
    int cost() {
        if (source == Source.HEADER || source == Source.METADATA) {
            return 4;
        }
        return literal != null ? 2 : 3;
    }
}
