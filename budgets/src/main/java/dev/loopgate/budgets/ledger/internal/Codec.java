package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LoopEvent;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.ledger.Trip;

/**
 * The '|'-separated values the Redis scripts store: trips ({@code BREAKER|at|reason}), events
 * ({@code kind|breaker|at|by|reason}) and overrides ({@code usd|tokens|steps|wallClock|PERIOD}).
 * Free text from admins has '%' and '|' escaped ({@code %25}, {@code %7C}); texts the
 * scripts write themselves contain neither.
 */
public final class Codec {
    private Codec() {
    }

    /** Numbers comma-separated, as the scripts read lists. */
    public static String joined(long[] values) {
        if (values.length == 1) {
            return Long.toString(values[0]);
        }
        StringBuilder text = new StringBuilder(values.length * 8);
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ",").append(values[i]);
        }
        return text.toString();
    }

    /** Doubles comma-separated, each as the shortest text that reads back as the same double (in Lua too). */
    public static String joined(double[] values) {
        StringBuilder text = new StringBuilder(values.length * 8);
        for (int i = 0; i < values.length; i++) {
            text.append(i == 0 ? "" : ",").append(values[i]);
        }
        return text.toString();
    }

    public static String escape(String text) {
        return text.replace("%", "%25").replace("|", "%7C");
    }

    public static String unescape(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (text.startsWith("%25", i)) {
                out.append('%');
                i += 2;
            } else if (text.startsWith("%7C", i)) {
                out.append('|');
                i += 2;
            } else {
                out.append(text.charAt(i));
            }
        }
        return out.toString();
    }

    public static String override(BudgetLimits limits) {
        return limits.usdNanos() + "|" + limits.tokens() + "|" + limits.steps() + "|" + limits.wallClockMillis() + "|"
                + limits.period().name();
    }

    public static BudgetLimits override(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\|", -1);
        return new BudgetLimits(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]),
                Long.parseLong(parts[3]), Period.valueOf(parts[4]));
    }

    public static Trip trip(String loopId, String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\|", 3);
        return new Trip(loopId, Breaker.valueOf(parts[0]), unescape(parts[2]), Long.parseLong(parts[1]));
    }

    public static LoopEvent event(String encoded) {
        String[] parts = encoded.split("\\|", 5);
        return new LoopEvent(parts[0], parts[1].isEmpty() ? null : Breaker.valueOf(parts[1]), unescape(parts[4]),
                unescape(parts[3]), Long.parseLong(parts[2]));
    }
}
