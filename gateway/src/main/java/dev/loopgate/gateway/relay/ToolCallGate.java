package dev.loopgate.gateway.relay;

import dev.loopgate.gateway.call.Dialect;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.call.ToolCallPolicy;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.error.ToolCallRefusals;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a loop's tool scope to a stream as it is relayed. A call is judged when its name
 * arrives, before any byte of it reaches the client: a denied tool ends the stream with a
 * {@code tool_forbidden} error event; a call that needs its arguments to decide, or whose run's
 * {@code max_calls} is being counted, is withheld (with everything after it) until it is decided;
 * a call that needs a human's approval ends delivery there: the rest of the stream is read, the
 * whole of it held for approval, and the stream ends with an {@code approval_required} error
 * event. Confined to the relay's event loop.
 */
final class ToolCallGate implements ToolCallSignals.Listener {
    /** Beyond this much withheld (or kept whole for approval), the stream is refused: too large to judge. */
    static final int MAX_HELD_BYTES = 8 * 1024 * 1024;
    static final String HELD_CONTENT_TYPE = "text/event-stream; charset=utf-8";

    /** Where the gate sends what it lets through, and how it ends a stream it refuses. */
    interface Outlet {
        void deliver(Buffer events);

        /** Ends the client's stream with {@code error}'s event, recorded as {@code end}. */
        void refuse(GatewayException error, StreamEnd end);
    }

    /** A call not yet decided: its arguments (while they decide) and its count against its caps. */
    private static final class Undecided {
        final String name;
        final boolean needsArguments;
        final StringBuilder arguments = new StringBuilder();
        boolean whole;

        Undecided(String name, boolean needsArguments) {
            this.name = name;
            this.needsArguments = needsArguments;
        }
    }

    private final ToolCallPolicy policy;
    private final ToolCallSignals signals;
    private final Outlet outlet;
    private final String loopId;
    private final Map<Integer, Undecided> undecided = new LinkedHashMap<>();
    private Buffer withheld;
    /** Everything the client would have got, from the first event, while the policy may hold the answer. */
    private Buffer whole;
    private boolean approving;
    private final Map<Integer, Undecided> afterHold = new LinkedHashMap<>();
    private boolean done;
    private Runnable onEnd;

    ToolCallGate(ToolCallPolicy policy, Dialect dialect, String loopId, Outlet outlet) {
        this.policy = policy;
        this.signals = new ToolCallSignals(dialect);
        this.outlet = outlet;
        this.loopId = loopId;
        this.whole = policy.mayHold() ? Buffer.buffer() : null;
    }

    /** One complete event the client is to get, {@code data[start, end)}. */
    void offer(Buffer data, int start, int end) {
        if (done) {
            return;
        }
        if (whole != null) {
            if (whole.length() + (end - start) > MAX_HELD_BYTES) {
                whole = null;
                if (approving) {
                    refuse(tooLarge());
                    return;
                }
            } else {
                whole.appendBuffer(data, start, end - start);
            }
        }
        signals.read(data, start, end, approving || !undecided.isEmpty(), this);
        if (done || approving) {
            return;
        }
        if (undecided.isEmpty() && withheld == null) {
            outlet.deliver(data.slice(start, end));
            return;
        }
        if (withheld == null) {
            withheld = Buffer.buffer();
        }
        if (withheld.length() + (end - start) > MAX_HELD_BYTES) {
            refuse(tooLarge());
            return;
        }
        withheld.appendBuffer(data, start, end - start);
        release();
    }

    /** The upstream finished the stream: {@code complete} ends it as finished, once every call is decided. */
    void upstreamEnded(Runnable complete) {
        if (done) {
            return;
        }
        onEnd = complete;
        finished();
        if (done) {
            return;
        }
        if (approving) {
            hold();
        } else {
            release();
        }
    }

    @Override
    public void started(int key, String name) {
        if (approving) {
            afterHold.put(key, new Undecided(name, true));
            return;
        }
        switch (policy.verdict(name, null)) {
            case DENY -> refuse(ToolCallRefusals.forbidden(loopId, name));
            case APPROVE -> startHolding(key, new Undecided(name, true));
            case NEEDS_ARGS -> undecided.put(key, new Undecided(name, true));
            case ALLOW -> {
                Undecided call = new Undecided(name, false);
                call.whole = true;
                undecided.put(key, call);
                count(key, call);
            }
        }
    }

    @Override
    public void arguments(int key, String fragment) {
        Undecided call = approving ? afterHold.get(key) : undecided.get(key);
        if (call != null && call.needsArguments && !call.whole) {
            call.arguments.append(fragment);
        }
    }

    @Override
    public void done(int key, String arguments) {
        Undecided call = approving ? afterHold.get(key) : undecided.get(key);
        if (call == null || call.whole) {
            return;
        }
        if (arguments != null && !arguments.isEmpty()) {
            call.arguments.setLength(0);
            call.arguments.append(arguments);
        }
        call.whole = true;
        if (!approving) {
            judgeWhole(key, call);
        }
    }

    @Override
    public void finished() {
        Map<Integer, Undecided> open = approving ? afterHold : undecided;
        for (Map.Entry<Integer, Undecided> entry : List.copyOf(open.entrySet())) {
            if (done) {
                return;
            }
            Undecided call = entry.getValue();
            if (!call.whole) {
                call.whole = true;
                if (!approving) {
                    judgeWhole(entry.getKey(), call);
                }
            }
        }
    }

    /** A call whose arguments decide it, now whole. */
    private void judgeWhole(int key, Undecided call) {
        String arguments = call.arguments.toString();
        switch (policy.verdict(call.name, arguments)) {
            case DENY -> refuse(ToolCallRefusals.forbidden(loopId, call.name));
            case APPROVE -> {
                undecided.remove(key);
                startHolding(key, call);
            }
            default -> count(key, call);
        }
    }

    private void count(int key, Undecided call) {
        Future<String> counted = policy.count(new ToolScope.ProposedCall(call.name, call.arguments.toString()));
        if (counted.isComplete()) {
            counted(key, call, counted);
        } else {
            counted.onComplete(answer -> {
                counted(key, call, counted);
                release();
            });
        }
    }

    private void counted(int key, Undecided call, Future<String> answer) {
        if (done) {
            return;
        }
        if (answer.failed()) {
            refuse(answer.cause() instanceof GatewayException e ? e
                    : new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE, "The tool-call counts could not be read."));
        } else if (answer.result() != null) {
            refuse(ToolCallRefusals.capReached(loopId, answer.result()));
        } else {
            undecided.remove(key, call);
        }
    }

    /** Delivers what was withheld once every call in it is decided, and ends the stream if the upstream has. */
    private void release() {
        if (done || approving || !undecided.isEmpty()) {
            return;
        }
        if (withheld != null) {
            Buffer let = withheld;
            withheld = null;
            outlet.deliver(let);
        }
        if (onEnd != null) {
            done = true;
            onEnd.run();
        }
    }

    /** Delivers nothing more: the rest is read, and {@code call} judged whole with any after it, at the end. */
    private void startHolding(int key, Undecided call) {
        if (whole == null) {
            refuse(tooLarge());
            return;
        }
        approving = true;
        withheld = null;
        afterHold.put(key, call);
    }

    /** The stream is read to its end: the calls after the hold are judged whole, then the answer is held. */
    private void hold() {
        List<ToolScope.ProposedCall> held = new ArrayList<>();
        for (Undecided call : afterHold.values()) {
            String arguments = call.arguments.length() == 0 ? "{}" : call.arguments.toString();
            ToolScope.Verdict verdict = policy.verdict(call.name, arguments);
            if (verdict == ToolScope.Verdict.DENY) {
                refuse(ToolCallRefusals.forbidden(loopId, call.name));
                return;
            }
            if (verdict == ToolScope.Verdict.APPROVE) {
                held.add(new ToolScope.ProposedCall(call.name, arguments));
            }
        }
        done = true;
        List<ToolScope.ProposedCall> calls = List.copyOf(held);
        policy.hold(calls, whole, HELD_CONTENT_TYPE).onComplete(kept -> outlet.refuse(kept.succeeded()
                ? ToolCallRefusals.approvalRequired(loopId, calls, kept.result())
                : new GatewayException(ErrorCode.BUDGET_STORE_UNAVAILABLE,
                        "The answer needs a human's approval, but it could not be held; try again."),
                StreamEnd.APPROVAL_HELD));
    }

    private void refuse(GatewayException error) {
        if (done) {
            return;
        }
        done = true;
        withheld = null;
        outlet.refuse(error, StreamEnd.TOOL_REFUSED);
    }

    private GatewayException tooLarge() {
        return new GatewayException(ErrorCode.TOOL_FORBIDDEN, "A proposed tool call of loop '" + loopId
                + "' is larger than the " + (MAX_HELD_BYTES >> 20) + " MiB the gateway judges; it was not delivered"
                + " (it is charged).", "tools");
    }
}
