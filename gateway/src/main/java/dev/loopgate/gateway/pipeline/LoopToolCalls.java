package dev.loopgate.gateway.pipeline;

import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.guard.BudgetStore;
import dev.loopgate.gateway.guard.ToolApprovals;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * One call's {@link ToolCallPolicy}: its loop's {@code tools:} entries, its run's {@code max_calls}
 * counted in the run ledger (a call with no run counts in its loop), and holds kept by
 * {@link ToolApprovals}.
 */
final class LoopToolCalls implements ToolCallPolicy {
    private final ToolScope.LoopTools tools;
    private final Exchange exchange;
    private final Dependencies with;

    /**
     * What every call's policy shares.
     *
     * @param goOnUncounted whether a call goes on uncounted when the counts cannot be reached ({@code on_redis_down: allow})
     */
    record Dependencies(RunLedger runs, BudgetStore store, ToolApprovals approvals, Clock clock, boolean goOnUncounted) {
    }

    LoopToolCalls(ToolScope.LoopTools tools, Exchange exchange, Dependencies with) {
        this.tools = tools;
        this.exchange = exchange;
        this.with = with;
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
        Map<String, Long> caps = tools.capsOf(call.name());
        if (caps.isEmpty()) {
            return Future.succeededFuture();
        }
        Future<String> counted = with.store()
                .call(with.runs().countToolCall(exchange.loop().loopId(), runId(), caps, with.clock().millis()))
                .map(past -> past.orElse(null));
        return with.goOnUncounted() ? counted.otherwise((String) null) : counted;
    }

    @Override
    public Future<String> hold(List<ToolScope.ProposedCall> calls, Buffer answer, String contentType) {
        return with.approvals().hold(exchange.loop().loopId(), runId(), exchange.requestHash(), calls, answer,
                contentType);
    }

    private String runId() {
        return exchange.loop().run();
    }
}
