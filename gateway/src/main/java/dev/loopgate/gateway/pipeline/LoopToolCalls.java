package dev.loopgate.gateway.pipeline;

import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.config.ToolScope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** One call's {@link ToolCallPolicy}: its loop's {@code tools:} entries. */
final class LoopToolCalls implements ToolCallPolicy {
    private final ToolScope.LoopTools tools;

    LoopToolCalls(ToolScope.LoopTools tools) {
        this.tools = tools;
    }

    @Override
    public ToolScope.Verdict verdict(String name, String arguments) {
        return tools.verdict(name, arguments);
    }

    @Override
    public boolean mayHold() {
        return !tools.approve().isEmpty();
    }

    @Override
    public Future<String> count(ToolScope.ProposedCall call) {
        return Future.succeededFuture();
    }

    @Override
    public Future<String> hold(List<ToolScope.ProposedCall> calls, Buffer answer, String contentType) {
        return Future.failedFuture(new UnsupportedOperationException("approvals"));
    }
}
