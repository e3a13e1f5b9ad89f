package dev.loopgate.gateway.config.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the durations written in {@code gateway.yaml}: a whole number and a unit
 * ({@code ms}, {@code s}, {@code m}, {@code h}), several of them in a row
 * ({@code 1m30s}), or a bare {@code 0}.
 */
public final class DurationParser {
    public static final String EXPECTED = "expected a duration like 500ms, 5s, 2m or 1h";

    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    private DurationParser() {
    }

    /**
     * The duration {@code text} spells.
     *
     * @throws IllegalArgumentException with a message fit for an operator when it is not one
     */
    public static Duration parse(String text) {
        String trimmed = text.strip();
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        Matcher part = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < trimmed.length()) {
            if (!part.find(at) || part.start() != at) {
                throw new IllegalArgumentException(EXPECTED + ", got '" + text + "'");
            }
            total = total.plus(unit(Long.parseLong(part.group(1)), part.group(2)));
            at = part.end();
        }
        if (at == 0) {
            throw new IllegalArgumentException(EXPECTED + ", got '" + text + "'");
        }
        return total;
    }

    /**
     * A duration field of the config: {@code fallback} when absent; a bad or (unless
     * allowed) zero value is recorded as a problem at {@code path}.
     */
    static Duration field(String raw, String path, Duration fallback, boolean zeroAllowed, Problems problems) {
        if (raw == null) {
            return fallback;
        }
        Duration duration;
        try {
            duration = parse(raw);
        } catch (IllegalArgumentException e) {
            problems.add(path, e.getMessage());
            return fallback;
        }
        if (!zeroAllowed && duration.isZero()) {
            problems.add(path, "must be positive");
        }
        return duration;
    }

    private static Duration unit(long amount, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalStateException("unit " + unit);
        };
    }
}
