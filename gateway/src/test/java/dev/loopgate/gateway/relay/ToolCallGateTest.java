package dev.loopgate.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The gate between a stream and its client, with a policy of the test's own: a call whose count
 * is still being asked for is withheld, with all after it, until the answer comes; an approval
 * gets the whole stream from its first byte; a hold that fails ends the stream with an error.
 */
class ToolCallGateTest {
    private final StringBuilder delivered = new StringBuilder();
    private GatewayException refusal;
    private StreamEnd end;
    private boolean completed;

    private final ToolCallGate.Outlet outlet = new ToolCallGate.Outlet() {
        @Override
        public void deliver(Buffer events) {
            delivered.append(events);
        }

        @Override
        public void refuse(GatewayException error, StreamEnd how) {
            refusal = error;
            end = how;
        }
    };

    /** A policy whose verdicts, counts and holds the test decides. */
    private static final class Policy implements ToolCallPolicy {
        final BiFunction<String, String, ToolScope.Verdict> verdicts;
        final List<Promise<String>> counts = new ArrayList<>();
        Future<String> holding = Future.succeededFuture("apr_0123456789abcdef01234567");
        Buffer held;

        Policy(BiFunction<String, String, ToolScope.Verdict> verdicts) {
            this.verdicts = verdicts;
        }

        @Override
        public ToolScope.Verdict verdict(String name, String arguments) {
            return verdicts.apply(name, arguments);
        }

        @Override
        public boolean mayHold() {
            return true;
        }

        @Override
        public Future<String> count(ToolScope.ProposedCall call) {
            Promise<String> counted = Promise.promise();
            counts.add(counted);
            return counted.future();
        }

        @Override
        public Future<String> hold(List<ToolScope.ProposedCall> calls, Buffer answer, String contentType) {
            held = answer.copy();
            return holding;
        }
    }

    private static final String TEXT = event("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Let me run them.\"}}]}");
    private static final String CALL = event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
            + "\"id\":\"call_1\",\"function\":{\"name\":\"run_tests\",\"arguments\":\"\"}}]}}]}");
    private static final String ARGS = event("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
            + "\"function\":{\"arguments\":\"{\\\"path\\\":\\\"billing/\\\"}\"}}]}}]}");
    private static final String FINISH = event("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
    private static final String DONE = event("[DONE]");

    private static String event(String data) {
        return "data: " + data + "\n\n";
    }

    private ToolCallGate gate(Policy policy) {
        return new ToolCallGate(policy, Dialect.OPENAI, "loop-a", outlet);
    }

    private static void offer(ToolCallGate gate, String event) {
        Buffer data = Buffer.buffer(event);
        gate.offer(data, 0, data.length());
    }

    @Test
    void aCallIsWithheldWithAllAfterItUntilItsCountAnswers() {
        Policy policy = new Policy((name, args) -> ToolScope.Verdict.ALLOW);
        ToolCallGate gate = gate(policy);
        offer(gate, TEXT);
        offer(gate, CALL);
        offer(gate, ARGS);
        gate.upstreamEnded(() -> completed = true);
        assertEquals(TEXT, delivered.toString(), "nothing of the call while it is counted");
        assertFalse(completed);

        policy.counts.get(0).complete(null);
        assertEquals(TEXT + CALL + ARGS, delivered.toString(), "within its cap: delivered in order");
        assertTrue(completed, "and the stream ends as it ended upstream");
        assertNull(refusal);
    }

    @Test
    void aCountPastItsCapEndsTheStreamWithNothingOfTheCall() {
        Policy policy = new Policy((name, args) -> ToolScope.Verdict.ALLOW);
        ToolCallGate gate = gate(policy);
        offer(gate, TEXT);
        offer(gate, CALL);
        offer(gate, ARGS);
        policy.counts.get(0).complete("run_*");
        offer(gate, FINISH);
        assertEquals(TEXT, delivered.toString());
        assertEquals(ErrorCode.TOOL_CAP_REACHED, refusal.code());
        assertTrue(refusal.getMessage().contains("'run_*'"));
        assertEquals(StreamEnd.TOOL_REFUSED, end);
    }

    @Test
    void anApprovalGetsTheWholeStreamFromItsFirstByte() {
        Policy policy = new Policy((name, args) -> args == null ? ToolScope.Verdict.NEEDS_ARGS
                : args.contains("billing/") ? ToolScope.Verdict.APPROVE : ToolScope.Verdict.ALLOW);
        ToolCallGate gate = gate(policy);
        for (String event : List.of(TEXT, CALL, ARGS, FINISH, DONE)) {
            offer(gate, event);
        }
        gate.upstreamEnded(() -> completed = true);
        assertEquals(TEXT, delivered.toString(), "the client got what came before the call");
        assertEquals(TEXT + CALL + ARGS + FINISH + DONE, policy.held.toString(), "the held answer is all of it");
        assertEquals(ErrorCode.APPROVAL_REQUIRED, refusal.code());
        assertTrue(refusal.getMessage().contains("apr_0123456789abcdef01234567"), refusal.getMessage());
        assertEquals(StreamEnd.APPROVAL_HELD, end);
        assertFalse(completed);
    }

    @Test
    void aHoldThatFailsEndsTheStreamWithAnError() {
        Policy policy = new Policy((name, args) -> ToolScope.Verdict.APPROVE);
        policy.holding = Future.failedFuture(new IllegalStateException("store down"));
        ToolCallGate gate = gate(policy);
        offer(gate, CALL);
        offer(gate, ARGS);
        gate.upstreamEnded(() -> completed = true);
        assertEquals("", delivered.toString());
        assertEquals(ErrorCode.BUDGET_STORE_UNAVAILABLE, refusal.code());
        assertFalse(refusal.getMessage().contains("store down"), "no internals in the client's error");
    }
}
