package dev.loopgate.budgets.approvals;

import java.util.List;
import java.util.Objects;

/**
 * An answer held until a human approves the tool calls in it.
 *
 * @param runId        the run the call belonged to, or null
 * @param requestHash  what makes the loop's next request "the same request" (it gets the answer)
 * @param answer       the held answer's body as it would have been delivered: JSON, or a whole event stream
 * @param reason       the decider's reason, or null while pending
 * @param decidedBy    the decider's key name, or null while pending
 * @param decidedMillis when it was decided, 0 while pending
 */
public record Approval(String id, String loopId, String runId, String requestHash, List<HeldCall> calls,
        String answer, String contentType, ApprovalState state, String reason, String decidedBy, long createdMillis,
        long decidedMillis) {
    public Approval {
        ApprovalIds.check(id);
        Objects.requireNonNull(loopId, "loopId");
        Objects.requireNonNull(requestHash, "requestHash");
        calls = List.copyOf(calls);
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(state, "state");
    }

    public static Approval pending(String id, String loopId, String runId, String requestHash, List<HeldCall> calls,
            String answer, String contentType, long nowMillis) {
        return new Approval(id, loopId, runId, requestHash, calls, answer, contentType, ApprovalState.PENDING, null,
                null, nowMillis, 0);
    }

    /** This approval decided: approved or rejected, with the reason and who. */
    public Approval decided(boolean approve, String why, String by, long nowMillis) {
        return new Approval(id, loopId, runId, requestHash, calls, answer, contentType,
                approve ? ApprovalState.APPROVED : ApprovalState.REJECTED, why, by, createdMillis, nowMillis);
    }

    /** This approval with its held answer handed out. */
    public Approval delivered() {
        return new Approval(id, loopId, runId, requestHash, calls, answer, contentType, ApprovalState.DELIVERED, reason,
                decidedBy, createdMillis, decidedMillis);
    }

    /** Its latest change: what its retention counts from. */
    public long changedMillis() {
        return Math.max(createdMillis, decidedMillis);
    }
}
