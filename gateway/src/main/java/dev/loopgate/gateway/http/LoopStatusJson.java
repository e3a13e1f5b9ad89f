package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.LoopEvent;
import dev.loopgate.budgets.ledger.LoopStatus;
import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.wire.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How a loop's ledger state looks in the API: spend, budget and how much of it is used,
 * state and the trip that paused it, and (for one loop) its history of trips and resumes.
 * Admins read it under {@code /admin/loops}, finance (without history) under {@code /reports/budgets}.
 */
final class LoopStatusJson {
    private final BudgetsConfig budgets;

    LoopStatusJson(BudgetsConfig budgets) {
        this.budgets = budgets;
    }

    /** A loop's status; its effective limits are the admin override, else the config's. */
    ObjectNode render(LoopStatus loop, boolean withHistory) {
        BudgetLimits limits = loop.override() != null ? loop.override() : budgets.forLoop(loop.loopId()).limits();
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("loop_id", loop.loopId())
                .put("state", loop.state().name().toLowerCase(Locale.ROOT))
                .put("spent_usd", Money.format(loop.spentNanos()))
                .put("reserved_usd", Money.format(loop.reservedNanos()))
                .put("tokens", loop.tokens())
                .put("steps", loop.steps())
                .put("expired_reservations", loop.expiredReservations())
                .put("overruns", loop.overruns());
        if (loop.firstCallMillis() > 0) {
            node.put("first_call_at", Instant.ofEpochMilli(loop.firstCallMillis()).toString());
        }
        node.set("budget", limits(limits).put("source", loop.override() != null ? "admin" : "config"));
        if (limits.usdNanos() > 0) {
            node.put("budget_used", (double) (loop.spentNanos() + loop.reservedNanos()) / limits.usdNanos());
        }
        if (loop.pausedBy() != null) {
            node.set("paused_by", trip(loop.pausedBy()));
        }
        if (withHistory) {
            ArrayNode history = node.putArray("history");
            for (LoopEvent event : loop.history()) {
                ObjectNode entry = history.addObject().put("event", event.kind());
                if (event.breaker() != null) {
                    entry.put("breaker", event.breaker().name().toLowerCase(Locale.ROOT));
                }
                entry.put("reason", event.reason()).put("by", event.by())
                        .put("at", Instant.ofEpochMilli(event.atMillis()).toString());
            }
        }
        return node;
    }

    static ObjectNode limits(BudgetLimits limits) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (limits.usdNanos() > 0) {
            node.put("usd", Money.format(limits.usdNanos()));
        }
        if (limits.tokens() > 0) {
            node.put("tokens", limits.tokens());
        }
        if (limits.steps() > 0) {
            node.put("steps", limits.steps());
        }
        if (limits.wallClockMillis() > 0) {
            node.put("wall_clock", Duration.ofMillis(limits.wallClockMillis()).toString());
        }
        return node.put("period", limits.period().name().toLowerCase(Locale.ROOT));
    }

    private static ObjectNode trip(Trip trip) {
        return Json.MAPPER.createObjectNode()
                .put("breaker", trip.breaker().name().toLowerCase(Locale.ROOT))
                .put("reason", trip.reason())
                .put("at", Instant.ofEpochMilli(trip.atMillis()).toString());
    }
}
