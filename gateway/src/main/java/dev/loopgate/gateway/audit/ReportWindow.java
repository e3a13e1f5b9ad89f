package dev.loopgate.gateway.audit;

import dev.loopgate.gateway.audit.SpendQuery.Dimension;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Reads what finance asks for: {@code from} and {@code to} as UTC dates ({@code 2026-11-01};
 * a {@code to} date includes that whole day) or instants ({@code 2026-11-01T12:00:00Z}),
 * by default the last 30 days; {@code group_by} as a comma list of dimensions.
 */
public final class ReportWindow {
    static final Duration DEFAULT_SPAN = Duration.ofDays(30);
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z").plusMillis(1);

    private ReportWindow() {
    }

    /** [from, to) in epoch millis. */
    public static long[] window(String from, String to, Clock clock) {
        long end = to == null || to.isBlank() ? clock.millis() : parse(to, "to", true);
        long start = from == null || from.isBlank() ? end - DEFAULT_SPAN.toMillis() : parse(from, "from", false);
        if (end <= start) {
            throw new IllegalArgumentException("'to' must be after 'from'");
        }
        return new long[] {start, end};
    }

    public static SpendQuery spend(String from, String to, String groupBy, Clock clock) {
        return spend(from, to, groupBy, null, clock);
    }

    /** As above, counting only the calls of {@code loopId} when it is not null. */
    public static SpendQuery spend(String from, String to, String groupBy, String loopId, Clock clock) {
        long[] window = window(from, to, clock);
        return new SpendQuery(window[0], window[1], dimensions(groupBy), loopId);
    }

    static List<Dimension> dimensions(String groupBy) {
        if (groupBy == null || groupBy.isBlank()) {
            return List.of(Dimension.LOOP);
        }
        List<Dimension> dimensions = new ArrayList<>();
        for (String name : groupBy.split(",")) {
            try {
                Dimension dimension = Dimension.valueOf(name.strip().toUpperCase(Locale.ROOT));
                if (!dimensions.contains(dimension)) {
                    dimensions.add(dimension);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'group_by' takes " + Arrays.stream(Dimension.values())
                        .map(ReportViews::name).collect(Collectors.joining(", ")) + "; got '" + name.strip() + "'");
            }
        }
        return dimensions;
    }

    /** Reports speak of years 0000 to 9999; beyond them an instant has no milliseconds to count in a long. */
    private static long parse(String value, String name, boolean endOfDay) {
        Instant at;
        try {
            at = value.length() == 10
                    ? (endOfDay ? LocalDate.parse(value).plusDays(1) : LocalDate.parse(value)).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + name + "' must be a date like 2026-11-01 or an instant like"
                    + " 2026-11-01T12:00:00Z, got '" + value + "'");
        }
        if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
            throw new IllegalArgumentException("'" + name + "' must be within the years 0000 to 9999, got '" + value + "'");
        }
        return at.toEpochMilli();
    }
}
