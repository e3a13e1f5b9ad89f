package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.budgets.runs.RunLimits;
import dev.loopgate.budgets.runs.RunStatus;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.LoopNotifier;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /admin/loops/{id}/runs}: each run of a loop with what it spent and used, against its
 * caps ({@code budgets.runs}); pausing and resuming one run (a resume needs a reason, recorded
 * with the admin's key) while the loop's other runs go on.
 */
final class RunsAdminRoutes {
    private static final long BODY_LIMIT = 64 * 1024;

    private final BudgetStore store;
    private final RunLedger runs;
    private final BudgetsConfig budgets;
    private final LoopNotifier notifier;
    private final Clock clock;

    RunsAdminRoutes(BudgetStore store, RunLedger runs, BudgetsConfig budgets, LoopNotifier notifier, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.budgets = budgets;
        this.notifier = notifier;
        this.clock = clock;
    }

    void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.get("/admin/loops/:id/runs").handler(this::list);
        router.get("/admin/loops/:id/runs/:run").handler(this::get);
        router.post("/admin/loops/:id/runs/:run/pause").handler(body).handler(this::pause);
        router.post("/admin/loops/:id/runs/:run/resume").handler(body).handler(this::resume);
    }

    private void list(RoutingContext ctx) {
        String loopId = loopId(ctx);
        AdminBodies.respond(ctx, store.call(runs.runs(loopId)).map(found -> {
            ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list").put("loop_id", loopId);
            ArrayNode data = list.putArray("data");
            found.forEach(run -> data.add(render(run)));
            return list;
        }));
    }

    private void get(RoutingContext ctx) {
        AdminBodies.respond(ctx, store.call(runs.status(loopId(ctx), run(ctx))).map(found -> render(known(ctx, found))));
    }

    private void pause(RoutingContext ctx) {
        String reason = LoopsAdminRoutes.reason(ctx, false);
        String by = RoleAuth.key(ctx).name();
        AdminBodies.respond(ctx, store.call(runs.pause(loopId(ctx), run(ctx), reason, by, clock.millis())).map(found -> {
            RunStatus run = known(ctx, found);
            notifier.runPaused(run.pausedBy(), by);
            return render(run);
        }));
    }

    private void resume(RoutingContext ctx) {
        String reason = LoopsAdminRoutes.reason(ctx, true);
        String by = RoleAuth.key(ctx).name();
        long now = clock.millis();
        AdminBodies.respond(ctx, store.call(runs.resume(loopId(ctx), run(ctx), reason, by, now)).map(found -> {
            RunStatus run = known(ctx, found);
            notifier.runResumed(run.loopId(), run.runId(), reason, by, now);
            return render(run);
        }));
    }

    /**
     * Resumes every paused run of the loop, as resuming the loop does: a human who lets a loop go
     * on lets its runs go on.
     */
    static Future<Void> resumeAll(BudgetStore store, RunLedger runs, LoopNotifier notifier, String loopId,
            String reason, String by, long now) {
        return store.call(runs.runs(loopId)).compose(found -> {
            Future<Void> all = Future.succeededFuture();
            for (RunStatus run : found) {
                if (run.pausedBy() != null) {
                    all = all.compose(v -> store.call(runs.resume(loopId, run.runId(), reason, by, now)).map(done -> {
                        notifier.runResumed(loopId, run.runId(), reason, by, now);
                        return null;
                    }));
                }
            }
            return all;
        });
    }

    private ObjectNode render(RunStatus run) {
        return render(run, budgets.forLoop(run.loopId()).runs());
    }

    /** A run's status and its caps, as the admin API and the console show it. */
    static ObjectNode render(RunStatus run, RunLimits caps) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("run", run.runId())
                .put("loop_id", run.loopId())
                .put("state", run.state().name().toLowerCase(Locale.ROOT))
                .put("spent_usd", Money.format(run.spentNanos()))
                .put("reserved_usd", Money.format(run.reservedNanos()))
                .put("tokens", run.tokens())
                .put("steps", run.steps())
                .put("first_call_at", Instant.ofEpochMilli(run.firstCallMillis()).toString())
                .put("last_call_at", Instant.ofEpochMilli(run.lastCallMillis()).toString())
                .put("restarts", run.restarts());
        RunStatus.Window current = run.current();
        node.putObject("current").put("spent_usd", Money.format(current.spentNanos())).put("tokens", current.tokens())
                .put("steps", current.steps()).put("since", Instant.ofEpochMilli(current.startMillis()).toString());
        node.set("caps", caps(caps));
        ObjectNode toolCalls = node.putObject("tool_calls");
        run.toolCalls().forEach(toolCalls::put);
        if (run.pausedBy() != null) {
            node.putObject("paused_by")
                    .put("breaker", run.pausedBy().breaker().name().toLowerCase(Locale.ROOT))
                    .put("reason", run.pausedBy().reason())
                    .put("at", Instant.ofEpochMilli(run.pausedBy().atMillis()).toString());
        }
        return node;
    }

    static ObjectNode caps(RunLimits caps) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        if (caps.usdNanos() > 0) {
            node.put("usd", Money.format(caps.usdNanos()));
        }
        if (caps.tokens() > 0) {
            node.put("tokens", caps.tokens());
        }
        if (caps.steps() > 0) {
            node.put("steps", caps.steps());
        }
        if (caps.wallClockMillis() > 0) {
            node.put("wall_clock", Duration.ofMillis(caps.wallClockMillis()).toString());
        }
        if (caps.idleMillis() > 0) {
            node.put("idle", Duration.ofMillis(caps.idleMillis()).toString());
        }
        return node;
    }

    private static RunStatus known(RoutingContext ctx, Optional<RunStatus> found) {
        return found.orElseThrow(() -> new GatewayException(ErrorCode.NOT_FOUND, "Loop '" + ctx.pathParam("id")
                + "' has no run '" + ctx.pathParam("run") + "' (runs are kept for a month after their latest call)."));
    }

    private static String loopId(RoutingContext ctx) {
        return LoopIdentity.checkedLabel(ctx.pathParam("id"), "loop id");
    }

    private static String run(RoutingContext ctx) {
        return LoopIdentity.checkedLabel(ctx.pathParam("run"), "run");
    }
}
