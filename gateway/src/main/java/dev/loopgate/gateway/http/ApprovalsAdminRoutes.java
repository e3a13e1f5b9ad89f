package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.approvals.Approval;
import dev.loopgate.budgets.approvals.ApprovalDecision;
import dev.loopgate.budgets.approvals.ApprovalIds;
import dev.loopgate.budgets.approvals.ApprovalState;
import dev.loopgate.budgets.approvals.ApprovalStore;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.ToolApprovals;
import dev.loopgate.gateway.wire.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /admin/approvals}: the tool calls held for a human ({@code tools: approve}), each with the
 * calls the model proposed and their arguments; approving or rejecting one, with a reason recorded
 * with the admin's key. A decision resumes what the hold paused; a second one is 409.
 */
final class ApprovalsAdminRoutes {
    private static final long BODY_LIMIT = 64 * 1024;

    private final ToolApprovals approvals;

    ApprovalsAdminRoutes(ToolApprovals approvals) {
        this.approvals = approvals;
    }

    void mount(Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.get("/admin/approvals").handler(this::list);
        router.get("/admin/approvals/:approval").handler(this::get);
        router.post("/admin/approvals/:approval/approve").handler(body).handler(ctx -> decide(ctx, true));
        router.post("/admin/approvals/:approval/reject").handler(body).handler(ctx -> decide(ctx, false));
    }

    private void list(RoutingContext ctx) {
        ApprovalState state = state(ctx.queryParams().get("state"));
        AdminBodies.respond(ctx, approvals.list(state, ApprovalStore.MAX_LISTED).map(found -> {
            ObjectNode list = Json.MAPPER.createObjectNode().put("object", "list");
            ArrayNode data = list.putArray("data");
            found.forEach(approval -> data.add(render(approval)));
            return list;
        }));
    }

    private void get(RoutingContext ctx) {
        AdminBodies.respond(ctx, approvals.get(id(ctx)).map(found -> render(known(ctx, found))));
    }

    private void decide(RoutingContext ctx, boolean approve) {
        String reason = AdminBodies.reason(ctx);
        if (reason.isEmpty()) {
            throw AdminBodies.invalid("A decision needs a reason: send {\"reason\": \"...\"}; it is recorded with your"
                    + " key" + (approve ? "." : " and told to the loop."));
        }
        AdminBodies.respond(ctx, approvals.decide(id(ctx), approve, reason, RoleAuth.key(ctx).name()).map(decision -> {
            if (decision instanceof ApprovalDecision.Decided decided) {
                return render(decided.approval());
            }
            if (decision instanceof ApprovalDecision.AlreadyDecided already) {
                throw new GatewayException(ErrorCode.APPROVAL_ALREADY_DECIDED, "Approval " + already.approval().id()
                        + " was already " + label(already.approval().state()) + " by "
                        + already.approval().decidedBy() + ".");
            }
            throw unknown(ctx);
        }));
    }

    /** An approval as the admin API, the console and the webhook show it; the held answer itself stays in the store. */
    static ObjectNode render(Approval approval) {
        ObjectNode node = Json.MAPPER.createObjectNode()
                .put("id", approval.id())
                .put("loop_id", approval.loopId());
        if (approval.runId() != null) {
            node.put("run", approval.runId());
        }
        node.put("state", label(approval.state()));
        ArrayNode calls = node.putArray("calls");
        approval.calls().forEach(call -> calls.addObject().put("tool", call.tool()).put("arguments", call.arguments()));
        node.put("created_at", Instant.ofEpochMilli(approval.createdMillis()).toString());
        if (approval.decidedBy() != null) {
            node.put("decided_by", approval.decidedBy())
                    .put("reason", approval.reason())
                    .put("decided_at", Instant.ofEpochMilli(approval.decidedMillis()).toString());
        }
        return node;
    }

    private static String label(ApprovalState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static ApprovalState state(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        for (ApprovalState state : ApprovalState.values()) {
            if (label(state).equals(raw)) {
                return state;
            }
        }
        throw AdminBodies.invalid("state must be one of pending, approved, rejected or delivered.");
    }

    private static Approval known(RoutingContext ctx, Optional<Approval> found) {
        return found.orElseThrow(() -> unknown(ctx));
    }

    private static GatewayException unknown(RoutingContext ctx) {
        return new GatewayException(ErrorCode.NOT_FOUND, "There is no approval '" + ctx.pathParam("approval")
                + "' (approvals are kept for a month).");
    }

    private static String id(RoutingContext ctx) {
        String id = ctx.pathParam("approval");
        try {
            return ApprovalIds.check(id);
        } catch (IllegalArgumentException e) {
            throw unknown(ctx);
        }
    }
}
