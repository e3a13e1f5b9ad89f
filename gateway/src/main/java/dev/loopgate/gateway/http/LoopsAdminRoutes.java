package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.gateway.audit.AuditEntry;
import dev.loopgate.gateway.audit.AuditLog;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.gateway.wire.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;

/**
 * {@code /admin/loops}: what each loop spent and may spend, its state and history; pause,
 * resume (a reason is required, and recorded; the loop's paused runs are resumed with it) and a
 * budget that overrides the config's.
 */
final class LoopsAdminRoutes {
    private static final long BODY_LIMIT = 64 * 1024;
    /** The largest count the ledger keeps exactly: 2^53. */
    private static final long MAX_EXACT = 1L << 53;
    private static final BigDecimal MAX_USD = Money.toUsd(MAX_EXACT).setScale(0, RoundingMode.FLOOR);
    private static final long MAX_WALL_CLOCK_SECONDS = 10L * 366 * 24 * 3600;
    private static final Set<String> BUDGET_FIELDS = Set.of("usd", "tokens", "steps", "wall_clock_seconds", "period");

    private final BudgetStore store;
    private final AuditLog audit;
    private final BudgetLedger ledger;
    private final RunLedger runs;
    private final BudgetsConfig budgets;
    private final LoopNotifier notifier;
    private final Clock clock;
    private final LoopStatusJson view;

    LoopsAdminRoutes(BudgetStore store, BudgetLedger ledger, RunLedger runs, BudgetsConfig budgets,
            LoopNotifier notifier, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.ledger = ledger;
        this.runs = runs;
        this.budgets = budgets;
        this.notifier = notifier;
        this.clock = clock;
        this.view = new LoopStatusJson(budgets);
    }

    void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.get("/admin/loops").handler(this::list);
        router.get("/admin/loops/:id").handler(this::get);
        router.post("/admin/loops/:id/pause").handler(body).handler(this::pause);
        router.post("/admin/loops/:id/resume").handler(body).handler(this::resume);
        router.put("/admin/loops/:id/budget").handler(body).handler(this::setBudget);
    }

    private void list(RoutingContext ctx) {
        AdminBodies.respond(ctx, store.call(ledger.loops()).map(loops -> {
            ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            loops.forEach(loop -> data.add(view.render(loop, false)));
            return list;
        }));
    }

    private void get(RoutingContext ctx) {
        AdminBodies.respond(ctx, store.call(ledger.status(loopId(ctx))).map(loop -> view.render(loop, true)));
    }

    private void pause(RoutingContext ctx) {
        String reason = reason(ctx, false);
        AdminBodies.respond(ctx, store.call(ledger.pause(loopId(ctx), reason, RoleAuth.key(ctx).name(),
                clock.millis())).map(loop -> {
                    if (loop.pausedBy() != null) {
                        notifier.paused(loop.pausedBy(), RoleAuth.key(ctx).name());
                    }
                    return view.render(loop, true);
                }));
    }

    private void resume(RoutingContext ctx) {
        String reason = reason(ctx, true);
        String by = RoleAuth.key(ctx).name();
        long now = clock.millis();
        String loopId = loopId(ctx);
        AdminBodies.respond(ctx, store.call(ledger.resume(loopId, reason, by, now)).compose(loop -> {
            notifier.resumed(loop.loopId(), reason, by, now);
            return RunsAdminRoutes.resumeAll(store, runs, notifier, loopId, reason, by, now)
                    .map(v -> view.render(loop, true));
        }));
    }

    private void setBudget(RoutingContext ctx) {
        String loopId = loopId(ctx);
        JsonNode body = AdminBodies.json(ctx);
        BudgetLimits override = body.isEmpty() ? null : limits(body, budgets.forLoop(loopId).limits());
        String actor = RoleAuth.key(ctx).name();
        AdminBodies.respond(ctx, store.call(ledger.setLimits(loopId, override))
                .andThen(set -> audit.append(AuditEntry.admin(clock.millis(), "loop.budget", actor, loopId,
                        override == null ? "{\"override\":null}" : LoopStatusJson.limits(override).toString())))
                .compose(v -> store.call(ledger.status(loopId)))
                .map(loop -> view.render(loop, true)));
    }

    /**
     * An override read like the config's budget fields; fields not given keep the config's value.
     * Amounts are bounded where the ledger can still count them exactly (its scripts count in
     * doubles, exact to 2^53), and a wall clock to ten years.
     */
    private static BudgetLimits limits(JsonNode body, BudgetLimits base) {
        try {
            body.fieldNames().forEachRemaining(field -> {
                if (!BUDGET_FIELDS.contains(field)) {
                    throw new IllegalArgumentException("Unknown field '" + field + "'.");
                }
            });
            return new BudgetLimits(
                    body.has("usd") ? usdNanos(body.get("usd")) : base.usdNanos(),
                    body.has("tokens") ? positive(body.get("tokens"), "tokens", MAX_EXACT) : base.tokens(),
                    body.has("steps") ? positive(body.get("steps"), "steps", MAX_EXACT) : base.steps(),
                    body.has("wall_clock_seconds")
                            ? positive(body.get("wall_clock_seconds"), "wall_clock_seconds", MAX_WALL_CLOCK_SECONDS) * 1000
                            : base.wallClockMillis(),
                    body.has("period") ? Period.valueOf(body.get("period").asText().toUpperCase(Locale.ROOT)) : base.period());
        } catch (IllegalArgumentException e) {
            throw AdminBodies.invalid("Budget fields: usd (USD, positive), tokens, steps, wall_clock_seconds (positive integers),"
                    + " period (total, day or month); send {} to drop the override. " + e.getMessage());
        }
    }

    private static long positive(JsonNode value, String field, long max) {
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.longValue() <= 0 || value.longValue() > max) {
            throw new IllegalArgumentException("'" + field + "' must be a whole number from 1 to " + max + ".");
        }
        return value.longValue();
    }

    private static long usdNanos(JsonNode value) {
        BigDecimal usd;
        try {
            usd = new BigDecimal(value.asText());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'usd' must be a number of USD.");
        }
        if (usd.signum() <= 0 || usd.compareTo(MAX_USD) > 0) {
            throw new IllegalArgumentException("'usd' must be more than 0 and at most " + MAX_USD.toPlainString() + ".");
        }
        return Money.nanosOf(usd);
    }

    /** The loop in the path, held to the same alphabet as {@code X-Loop-Id}. */
    private static String loopId(RoutingContext ctx) {
        return LoopIdentity.checkedLabel(ctx.pathParam("id"), "loop id");
    }

    static String reason(RoutingContext ctx, boolean required) {
        String reason = AdminBodies.reason(ctx);
        if (reason.isEmpty()) {
            if (required) {
                throw AdminBodies.invalid("A resume needs a reason: send {\"reason\": \"...\"}; it is recorded with your key.");
            }
            return "paused by an admin";
        }
        return reason;
    }
}
