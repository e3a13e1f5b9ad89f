package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.ToolApprovals;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Gives the call its loop's tool scope ({@code tools:}) for the calls its model will propose, and
 * refuses a call that gives the model a tool its loop may not have, with 403
 * {@code tool_forbidden} naming it, before anything is reserved or forwarded. The tools are
 * read in the caller's dialect: chat's {@code tools[].function.name}, Messages'
 * {@code tools[].name}, the Responses API's {@code tools[].name} (or, for a built-in tool, its
 * {@code type}).
 */
public final class ToolScopeStage implements Stage {
    private final ToolScope scope;
    private final LoopToolCalls.Dependencies with;

    /** @param allowWhenDown {@code on_redis_down: allow}: a call whose tool calls cannot be counted goes on */
    public ToolScopeStage(ToolScope scope, RunLedger runs, BudgetStore store, ToolApprovals approvals, Clock clock,
            boolean allowWhenDown) {
        this.scope = scope;
        this.with = new LoopToolCalls.Dependencies(runs, store, approvals, clock, allowWhenDown);
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        ToolScope.LoopTools loop = scope.forLoop(exchange.loop().loopId());
        if (loop == null) {
            return next.proceed(exchange);
        }
        exchange.toolCalls(new LoopToolCalls(loop, exchange, with));
        JsonNode tools = exchange.request().json().get("tools");
        if (tools != null && tools.isArray()) {
            String forbidden = loop.firstForbidden(names(tools));
            if (forbidden != null) {
                throw new GatewayException(ErrorCode.TOOL_FORBIDDEN, "Loop '" + exchange.loop().loopId()
                        + "' may not be given the tool '" + forbidden + "'.", "tools");
            }
        }
        return next.proceed(exchange);
    }

    private static List<String> names(JsonNode tools) {
        List<String> names = new ArrayList<>(tools.size());
        for (JsonNode tool : tools) {
            JsonNode name = tool.path("function").path("name");
            if (!name.isTextual()) {
                name = tool.path("name");
            }
            if (!name.isTextual()) {
                name = tool.path("type");
            }
            if (name.isTextual()) {
                names.add(name.asText());
            }
        }
        return names;
    }
}
