package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a forbidden tool call a model proposed in a whole answer from reaching the loop
 * ({@code tools:}): the answer is replaced by 403 {@code tool_forbidden} naming the call. It runs
 * outside the settle, so the call is still charged. The calls are read in the caller's dialect:
 * chat's {@code choices[].message.tool_calls}, Messages' {@code tool_use} blocks, the Responses
 * API's {@code function_call} items. Streams are not inspected yet (docs/tools.md).
 */
public final class ProposedToolCallsStage implements Stage {
    private final ToolScope scope;

    public ProposedToolCallsStage(ToolScope scope) {
        this.scope = scope;
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        ToolScope.LoopTools loop = scope.forLoop(exchange.loop().loopId());
        if (loop == null) {
            return next.proceed(exchange);
        }
        return next.proceed(exchange).map(reply -> {
            if (reply instanceof Reply.Complete complete && complete.status() / 100 == 2) {
                ToolScope.ProposedCall forbidden = loop.firstForbiddenCall(calls(exchange.endpoint(), complete));
                if (forbidden != null) {
                    throw new GatewayException(ErrorCode.TOOL_FORBIDDEN, "The model proposed a call of the tool '"
                            + forbidden.name() + "', which loop '" + exchange.loop().loopId()
                            + "' may not make; the answer was not delivered (it is charged).", "tools");
                }
            }
            return reply;
        });
    }

    private static List<ToolScope.ProposedCall> calls(Endpoint endpoint, Reply.Complete complete) {
        JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(complete.body().getBytes());
        } catch (IOException e) {
            return List.of();
        }
        List<ToolScope.ProposedCall> calls = new ArrayList<>();
        switch (endpoint.dialect()) {
            case OPENAI -> answer.path("choices").forEach(choice -> choice.path("message").path("tool_calls").forEach(
                    call -> calls.add(new ToolScope.ProposedCall(call.path("function").path("name").asText(""),
                            call.path("function").path("arguments").asText("")))));
            case ANTHROPIC -> answer.path("content").forEach(block -> {
                if ("tool_use".equals(block.path("type").asText())) {
                    calls.add(new ToolScope.ProposedCall(block.path("name").asText(""), block.path("input").toString()));
                }
            });
            case RESPONSES -> answer.path("output").forEach(item -> {
                if ("function_call".equals(item.path("type").asText())) {
                    calls.add(new ToolScope.ProposedCall(item.path("name").asText(""), item.path("arguments").asText("")));
                }
            });
        }
        return calls;
    }
}
