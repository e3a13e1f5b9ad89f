package dev.loopgate.gateway.guard;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Money;
import java.util.Locale;
import java.util.Objects;

/**
 * A loop or one of its runs crossed a fraction of one of its caps ({@code breakers.warn_at}):
 * a heads-up for a human before the breaker of that cap pauses it.
 *
 * @param run  the run whose cap it is, or null for the loop's own
 * @param used how much of the cap is used: nano-dollars, steps or milliseconds
 */
public record Warning(String loopId, String run, Cap cap, double fraction, long used, long limit, long atMillis) {
    public Warning {
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(cap, "cap");
    }

    /** The caps warned of, each with the unit its amounts are given in. */
    public enum Cap {
        USD("_usd"),
        STEPS(""),
        WALL_CLOCK("_ms");

        private final String unit;

        Cap(String unit) {
            this.unit = unit;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Adds {@code cap}, {@code fraction}, {@code used…} and {@code limit…} (and {@code run}) to {@code json}. */
    ObjectNode describe(ObjectNode json) {
        if (run != null) {
            json.put("run", run);
        }
        json.put("cap", cap.label()).put("fraction", fraction);
        if (cap == Cap.USD) {
            return json.put("used_usd", Money.format(used)).put("limit_usd", Money.format(limit));
        }
        return json.put("used" + cap.unit, used).put("limit" + cap.unit, limit);
    }

    String amounts() {
        return cap == Cap.USD ? "$" + Money.format(used) + " of $" + Money.format(limit)
                : used + " of " + limit + (cap == Cap.WALL_CLOCK ? " ms" : " " + cap.label());
    }
}
