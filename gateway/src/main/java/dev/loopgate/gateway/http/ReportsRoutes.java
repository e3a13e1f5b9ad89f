package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.ReportViews;
import dev.loopgate.gateway.audit.ReportWindow;
import dev.loopgate.gateway.audit.SpendQuery;
import dev.loopgate.gateway.audit.VerifyReport;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * {@code /reports/*} for finance and admins (spend by any grouping as JSON or CSV, one
 * loop's report) and {@code POST /admin/audit/verify}. Queries run on worker threads.
 */
final class ReportsRoutes {
    private final AuditStore store;
    private final Clock clock;

    ReportsRoutes(AuditStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    void mount(Router router, RoleAuth reports) {
        router.get("/reports/spend").handler(reports).handler(this::spend);
        router.get("/reports/loops/:id").handler(reports).handler(this::loop);
        router.post("/admin/audit/verify").handler(this::verify);
    }

    private void spend(RoutingContext ctx) {
        String loop = ctx.queryParams().get("loop");
        String loopId = loop == null || loop.isEmpty() ? null : LoopIdentity.checkedLabel(loop, "loop");
        SpendQuery query = query(() -> ReportWindow.spend(ctx.queryParams().get("from"), ctx.queryParams().get("to"),
                ctx.queryParams().get("group_by"), loopId, clock));
        String format = ctx.queryParams().get("format");
        if (format != null && !format.equals("json") && !format.equals("csv")) {
            throw AdminBodies.invalid("'format' is json or csv, got '" + format + "'.");
        }
        Future<String> body = ctx.vertx().executeBlocking(() -> {
            var report = store.spend(query);
            return "csv".equals(format) ? ReportViews.csv(report) : ReportViews.json(report).toString();
        }, false);
        body.onComplete(done -> {
            if (done.failed()) {
                ctx.fail(done.cause());
                return;
            }
            if ("csv".equals(format)) {
                String name = "loopgate-spend-" + (loopId == null ? "" : fileSafe(loopId) + "-") + day(query.fromMillis())
                        + "-" + day(query.toMillis()) + ".csv";
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
                        .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
            } else {
                ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
            }
            ctx.response().end(done.result());
        });
    }

    private void loop(RoutingContext ctx) {
        String loopId = LoopIdentity.checkedLabel(ctx.pathParam("id"), "loop id");
        long[] window = query(() -> ReportWindow.window(ctx.queryParams().get("from"), ctx.queryParams().get("to"), clock));
        AdminBodies.respond(ctx, ctx.vertx().executeBlocking(() ->
                ReportViews.json(store.loop(loopId, window[0], window[1]), window[0], window[1]), false));
    }

    private void verify(RoutingContext ctx) {
        AdminBodies.respond(ctx, ctx.vertx().executeBlocking(() -> verification(store.verify()), false));
    }

    static ObjectNode verification(VerifyReport report) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("intact", report.intact())
                .put("rows_checked", report.rowsChecked())
                .put("chains", report.chains());
        ArrayNode breaks = node.putArray("breaks");
        report.breaks().forEach(b -> breaks.addObject().put("chain_id", b.chainId()).put("row_id", b.rowId())
                .put("seq", b.seq()).put("reason", b.reason()));
        return node;
    }

    private static <T> T query(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw AdminBodies.invalid(e.getMessage());
        }
    }

    /** Loop ids may hold {@code : / @}, which do not belong in a file name. */
    private static String fileSafe(String loopId) {
        return loopId.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static String day(long millis) {
        return Instant.ofEpochMilli(millis).toString().substring(0, 10);
    }
}
