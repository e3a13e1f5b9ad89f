package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.approvals.Approval;
import dev.loopgate.budgets.approvals.ApprovalState;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.error.ToolCallRefusals;
import dev.loopgate.gateway.guard.RequestHashes;
import dev.loopgate.gateway.guard.ToolApprovals;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Answers a request whose answer is held for a human ({@code tools: approve}), before anything is
 * reserved: while the approval is pending, 403 {@code approval_required} again; once it is
 * approved, the held answer, uncharged (the model's call was charged when it answered), handed out
 * once; once it is rejected, 403 {@code tool_rejected} with the reason. Only loops whose scope
 * holds calls pay the lookup.
 */
public final class ApprovalStage implements Stage {
    private final ToolApprovals approvals;

    public ApprovalStage(ToolApprovals approvals) {
        this.approvals = approvals;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        ToolCallPolicy policy = exchange.toolCalls();
        if (policy == null || !policy.mayHold()) {
            return next.proceed(exchange);
        }
        exchange.requestHash(RequestHashes.of(exchange.request()));
        String loopId = exchange.loop().loopId();
        return approvals.forRequest(loopId, exchange.requestHash()).compose(found -> {
            if (found.isEmpty() || found.get().state() == ApprovalState.DELIVERED) {
                return next.proceed(exchange);
            }
            Approval approval = found.get();
            exchange.responseHeaders().set(ResponseHeaders.APPROVAL_ID, approval.id());
            return switch (approval.state()) {
                case PENDING -> Future.failedFuture(ToolCallRefusals.approvalRequired(loopId, proposed(approval),
                        approval.id()));
                case REJECTED -> Future.failedFuture(ToolCallRefusals.rejected(loopId, approval.id(), approval.reason()));
                default -> approvals.claim(approval.id()).compose(claimed -> claimed.isPresent()
                        ? Future.succeededFuture(heldAnswer(claimed.get()))
                        : next.proceed(exchange));
            };
        });
    }

    private static Reply heldAnswer(Approval approval) {
        return new Reply.Complete(200, approval.contentType(), Buffer.buffer(approval.answer()), Usage.NONE, null);
    }

    private static List<ToolScope.ProposedCall> proposed(Approval approval) {
        return approval.calls().stream().map(call -> new ToolScope.ProposedCall(call.tool(), call.arguments())).toList();
    }
}
