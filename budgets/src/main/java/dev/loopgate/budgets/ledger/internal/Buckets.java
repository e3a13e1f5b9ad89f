package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.Period;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Period buckets: where a loop's spend, tokens and reservations of one period are counted.
 * {@code total}, {@code d:yyyy-MM-dd} or {@code m:yyyy-MM}, by the UTC date of the reserve.
 * A day's bucket is kept until seven days after the day ends, a month's until a month after
 * it ends, so late settles still find it; {@code total} is kept for ever.
 */
public final class Buckets {
    public static final String TOTAL = "total";
    private static final int DAY_KEPT_DAYS = 7;
    private static final Pattern DAY_NAME = Pattern.compile("d:\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern MONTH_NAME = Pattern.compile("m:\\d{4}-\\d{2}");

    private Buckets() {
    }

    public static String name(Period period, long nowMillis) {
        return switch (period) {
            case TOTAL -> TOTAL;
            case DAY -> "d:" + day(nowMillis);
            case MONTH -> "m:" + date(nowMillis).toString().substring(0, 7);
        };
    }

    /** When the bucket may be deleted (epoch ms), or 0 for never. */
    public static long expireAt(Period period, long nowMillis) {
        LocalDate date = date(nowMillis);
        return switch (period) {
            case TOTAL -> 0;
            case DAY -> startOf(date.plusDays(1 + DAY_KEPT_DAYS));
            case MONTH -> startOf(date.withDayOfMonth(1).plusMonths(2));
        };
    }

    /**
     * When the bucket named {@code bucket} may be deleted, as {@link #expireAt} says for a call
     * in its period (0 for {@code total}).
     *
     * @throws IllegalArgumentException for a name that is not {@code total}, {@code d:yyyy-MM-dd} or {@code m:yyyy-MM}
     */
    public static long expireAtOf(String bucket) {
        try {
            if (TOTAL.equals(bucket)) {
                return 0;
            }
            if (bucket != null && DAY_NAME.matcher(bucket).matches()) {
                return expireAt(Period.DAY, startOf(LocalDate.parse(bucket.substring(2))));
            }
            if (bucket != null && MONTH_NAME.matcher(bucket).matches()) {
                return expireAt(Period.MONTH, startOf(LocalDate.parse(bucket.substring(2) + "-01")));
            }
        } catch (DateTimeParseException e) {
            // not a date: refused below
        }
        throw new IllegalArgumentException("bucket must be total, d:yyyy-MM-dd or m:yyyy-MM, was '" + bucket + "'");
    }

    /** The UTC day, {@code yyyy-MM-dd}: the bucket of key caps. */
    public static String day(long nowMillis) {
        return date(nowMillis).toString();
    }

    /** When a key cap's day bucket may be deleted: as a loop's day bucket. */
    public static long dayExpireAt(long nowMillis) {
        return expireAt(Period.DAY, nowMillis);
    }

    /** {@code ""} for total, else {@code " for 2025-03-31"} or {@code " for 2025-03"}: appended to texts. */
    public static String describe(String bucket) {
        return TOTAL.equals(bucket) ? "" : " for " + bucket.substring(2);
    }

    private static LocalDate date(long nowMillis) {
        return LocalDate.ofInstant(Instant.ofEpochMilli(nowMillis), ZoneOffset.UTC);
    }

    private static long startOf(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
