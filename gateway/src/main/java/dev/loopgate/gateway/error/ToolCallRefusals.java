package dev.loopgate.gateway.error;

import dev.loopgate.gateway.config.ToolScope;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The refusals of a proposed tool call, worded once for whole answers and streams alike: each
 * says the answer was not delivered and, since the model did answer, that it is charged.
 */
public final class ToolCallRefusals {
    private ToolCallRefusals() {
    }

    public static GatewayException forbidden(String loopId, String tool) {
        return new GatewayException(ErrorCode.TOOL_FORBIDDEN, "The model proposed a call of the tool '" + tool
                + "', which loop '" + loopId + "' may not make; the answer was not delivered (it is charged).", "tools");
    }

    public static GatewayException capReached(String loopId, String cap) {
        return new GatewayException(ErrorCode.TOOL_CAP_REACHED, "The model proposed one more call of '" + cap
                + "' than loop '" + loopId + "' may make in this run (tools max_calls); the answer was not delivered"
                + " (it is charged).", "tools");
    }

    public static GatewayException approvalRequired(String loopId, List<ToolScope.ProposedCall> calls, String approvalId) {
        String named = calls.stream().map(ToolScope.ProposedCall::name).distinct().collect(Collectors.joining("', '"));
        return new GatewayException(ErrorCode.APPROVAL_REQUIRED, "The model proposed a call of '" + named
                + "', which needs a human's approval: held as approval " + approvalId + ", and loop '" + loopId
                + "' is paused until it is decided. Once it is approved, send the same request again for the held"
                + " answer.", "tools");
    }

    public static GatewayException rejected(String loopId, String approvalId, String reason) {
        return new GatewayException(ErrorCode.TOOL_REJECTED, "Approval " + approvalId + " of loop '" + loopId
                + "' was rejected" + (reason == null || reason.isBlank() ? "." : ": " + reason), "tools");
    }
}
