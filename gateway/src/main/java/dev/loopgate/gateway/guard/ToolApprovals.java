package dev.loopgate.gateway.guard;

import dev.loopgate.budgets.approvals.Approval;
import dev.loopgate.budgets.approvals.ApprovalDecision;
import dev.loopgate.budgets.approvals.ApprovalIds;
import dev.loopgate.budgets.approvals.ApprovalState;
import dev.loopgate.budgets.approvals.ApprovalStore;
import dev.loopgate.budgets.approvals.HeldCall;
import dev.loopgate.budgets.ledger.BudgetLedger;
import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.budgets.runs.RunTrip;
import dev.loopgate.gateway.config.ToolScope;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Tool calls held for a human ({@code tools: approve}): holding an answer pauses the run it came
 * from (or, with no run, its loop) and tells the webhook and the audit what the model proposed;
 * deciding it resumes what the hold paused, unless something else has paused it since. The held
 * answer is then handed out once, to the loop's next identical request.
 */
public final class ToolApprovals {
    private final ApprovalStore approvals;
    private final BudgetLedger ledger;
    private final RunLedger runs;
    private final BudgetStore store;
    private final LoopNotifier notifier;
    private final Clock clock;

    public ToolApprovals(ApprovalStore approvals, BudgetLedger ledger, RunLedger runs, BudgetStore store,
            LoopNotifier notifier, Clock clock) {
        this.approvals = approvals;
        this.ledger = ledger;
        this.runs = runs;
        this.store = store;
        this.notifier = notifier;
        this.clock = clock;
    }

    /** Holds {@code answer} for approval of {@code calls}; completes with the approval's id once the hold is kept. */
    public Future<String> hold(String loopId, String runId, String requestHash, List<ToolScope.ProposedCall> calls,
            Buffer answer, String contentType) {
        long now = clock.millis();
        List<HeldCall> held = calls.stream().map(call -> new HeldCall(call.name(), call.arguments())).toList();
        Approval pending = Approval.pending(ApprovalIds.next(), loopId, runId, requestHash, held, answer.toString(),
                contentType, now);
        String reason = pauseReason(pending);
        return store.call(approvals.hold(pending)).compose(kept -> {
            notifier.approvalRequired(pending);
            if (runId == null) {
                return store.call(ledger.pause(loopId, reason, LoopNotifier.APPROVALS_ACTOR, now)).map(loop -> {
                    Trip trip = loop.pausedBy();
                    if (trip != null && pausedBy(trip.reason(), pending)) {
                        notifier.paused(trip, LoopNotifier.APPROVALS_ACTOR);
                    }
                    return pending.id();
                });
            }
            return store.call(runs.pause(loopId, runId, reason, LoopNotifier.APPROVALS_ACTOR, now)).map(run -> {
                RunTrip trip = run.map(found -> found.pausedBy()).orElse(null);
                if (trip != null && pausedBy(trip.reason(), pending)) {
                    notifier.runPaused(trip, LoopNotifier.APPROVALS_ACTOR);
                }
                return pending.id();
            });
        });
    }

    /** The latest approval held for this request of the loop. */
    public Future<Optional<Approval>> forRequest(String loopId, String requestHash) {
        return store.call(approvals.forRequest(loopId, requestHash));
    }

    /** The approved answer, to exactly one caller; empty once handed out (or when not approved). */
    public Future<Optional<Approval>> claim(String id) {
        return store.call(approvals.claim(id, clock.millis()));
    }

    public Future<Optional<Approval>> get(String id) {
        return store.call(approvals.get(id));
    }

    public Future<List<Approval>> list(ApprovalState state, int limit) {
        return store.call(approvals.list(state, limit));
    }

    /** Approves or rejects a pending approval, audited, and resumes what its hold paused. */
    public Future<ApprovalDecision> decide(String id, boolean approve, String reason, String by) {
        long now = clock.millis();
        return store.call(approvals.decide(id, approve, reason, by, now)).compose(decision -> {
            if (!(decision instanceof ApprovalDecision.Decided decided)) {
                return Future.succeededFuture(decision);
            }
            Approval approval = decided.approval();
            notifier.approvalDecided(approval);
            String resumeReason = "approval " + approval.id() + (approve ? " approved" : " rejected") + ": " + reason;
            return resumeHeld(approval, resumeReason, by, now).map(decision);
        });
    }

    private Future<Void> resumeHeld(Approval approval, String reason, String by, long now) {
        if (approval.runId() == null) {
            return store.call(ledger.status(approval.loopId())).compose(loop -> {
                if (loop.pausedBy() == null || !pausedBy(loop.pausedBy().reason(), approval)) {
                    return Future.succeededFuture();
                }
                return store.call(ledger.resume(approval.loopId(), reason, by, now))
                        .map(resumed -> {
                            notifier.resumed(approval.loopId(), reason, by, now);
                            return null;
                        });
            });
        }
        return store.call(runs.status(approval.loopId(), approval.runId())).compose(run -> {
            if (run.isEmpty() || run.get().pausedBy() == null || !pausedBy(run.get().pausedBy().reason(), approval)) {
                return Future.succeededFuture();
            }
            return store.call(runs.resume(approval.loopId(), approval.runId(), reason, by, now)).map(resumed -> {
                notifier.runResumed(approval.loopId(), approval.runId(), reason, by, now);
                return null;
            });
        });
    }

    /** Whether a pause's reason is this approval's hold (and not a breaker's or an admin's since). */
    private static boolean pausedBy(String reason, Approval approval) {
        return reason.contains(pauseReason(approval));
    }

    private static String pauseReason(Approval approval) {
        String tools = String.join(", ", approval.calls().stream().map(HeldCall::tool).distinct().toList());
        return "approval " + approval.id() + " pending: the model proposed " + tools;
    }
}
