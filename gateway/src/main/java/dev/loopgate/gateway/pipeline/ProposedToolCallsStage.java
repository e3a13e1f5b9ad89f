package dev.loopgate.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.error.ToolCallRefusals;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies the loop's tool scope ({@code tools:}) to the calls a model proposed in a whole answer.
 * An answer with a denied call is replaced by 403 {@code tool_forbidden} naming it; one with a call
 * past its run's {@code max_calls} by 403 {@code tool_cap_reached}; one with a call that needs a
 * human's approval is held ({@link ToolCallPolicy#hold}) and answered 403 {@code approval_required}
 * with the approval's id. It runs outside the settle, so the call is charged: the model answered.
 * The calls are read in the caller's dialect: chat's {@code choices[].message.tool_calls}, Messages'
 * {@code tool_use} blocks, the Responses API's {@code function_call} items. Streams are judged as
 * they are relayed (ToolCallGate).
 */
public final class ProposedToolCallsStage implements Stage {
    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        ToolCallPolicy policy = exchange.toolCalls();
        if (policy == null) {
            return next.proceed(exchange);
        }
        return next.proceed(exchange).compose(reply -> {
            if (reply instanceof Reply.Complete complete && complete.status() / 100 == 2) {
                return judged(exchange, policy, complete, calls(exchange.endpoint(), complete));
            }
            return Future.succeededFuture(reply);
        });
    }

    private static Future<Reply> judged(Exchange exchange, ToolCallPolicy policy, Reply.Complete complete,
            List<ToolScope.ProposedCall> calls) {
        if (calls.isEmpty()) {
            return Future.succeededFuture(complete);
        }
        List<ToolScope.ProposedCall> held = new ArrayList<>();
        List<ToolScope.ProposedCall> allowed = new ArrayList<>();
        for (ToolScope.ProposedCall call : calls) {
            ToolScope.Verdict verdict = policy.verdict(call.name(), call.arguments());
            if (verdict == ToolScope.Verdict.DENY) {
                return Future.failedFuture(ToolCallRefusals.forbidden(exchange.loop().loopId(), call.name()));
            }
            (verdict == ToolScope.Verdict.APPROVE ? held : allowed).add(call);
        }
        // a held call is a human's to let through, not its run's cap's
        Future<String> counted = Future.succeededFuture();
        for (ToolScope.ProposedCall call : allowed) {
            counted = counted.compose(past -> past != null ? Future.succeededFuture(past) : policy.count(call));
        }
        return counted.compose(past -> {
            if (past != null) {
                return Future.failedFuture(ToolCallRefusals.capReached(exchange.loop().loopId(), past));
            }
            if (held.isEmpty()) {
                return Future.succeededFuture(complete);
            }
            return policy.hold(held, complete.body(), complete.contentType())
                    .compose(id -> {
                        exchange.responseHeaders().set(ResponseHeaders.APPROVAL_ID, id);
                        return Future.failedFuture(ToolCallRefusals.approvalRequired(exchange.loop().loopId(), held, id));
                    });
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
