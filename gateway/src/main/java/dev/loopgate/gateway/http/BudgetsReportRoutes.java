package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.LoopStatus;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /reports/budgets}: every loop's budget and how much of it is used, read-only, for
 * finance (who may not read {@code /admin/loops}); {@code ?loop=} narrows it to one loop. The
 * same fields as the admin list, from the same ledger; changing anything stays an admin's job.
 */
final class BudgetsReportRoutes {
    private final BudgetStore store;
    private final BudgetLedger ledger;
    private final LoopStatusJson view;

    BudgetsReportRoutes(BudgetStore store, BudgetLedger ledger, BudgetsConfig budgets) {
        this.store = store;
        this.ledger = ledger;
        this.view = new LoopStatusJson(budgets);
    }

    void mount(Router router, RoleAuth reports) {
        router.get("/reports/budgets").handler(reports).handler(this::list);
    }

    private void list(RoutingContext ctx) {
        String loop = ctx.queryParams().get("loop");
        Future<List<LoopStatus>> loops = loop == null || loop.isEmpty() ? store.call(ledger.loops())
                : store.call(ledger.status(LoopIdentity.checkedLabel(loop, "loop"))).map(List::of);
        AdminBodies.respond(ctx, loops.map(all -> {
            ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            all.forEach(status -> data.add(view.render(status, false)));
            return list;
        }));
    }
}
