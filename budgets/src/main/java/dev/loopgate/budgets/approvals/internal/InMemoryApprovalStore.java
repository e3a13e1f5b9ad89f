package dev.loopgate.budgets.approvals.internal;

import dev.loopgate.budgets.approvals.Approval;
import dev.loopgate.budgets.approvals.ApprovalDecision;
import dev.loopgate.budgets.approvals.ApprovalIds;
import dev.loopgate.budgets.approvals.ApprovalState;
import dev.loopgate.budgets.approvals.ApprovalStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Approvals in this process, under one lock (they are human-paced); forgotten once past their retention. */
public final class InMemoryApprovalStore implements ApprovalStore {
    private final Clock clock;
    private final long retentionMillis;
    private final Map<String, Approval> approvals = new HashMap<>();
    private final Map<String, String> byRequest = new HashMap<>();

    public InMemoryApprovalStore(Clock clock, long retentionMillis) {
        this.clock = clock;
        this.retentionMillis = retentionMillis;
    }

    @Override
    public synchronized CompletionStage<Void> hold(Approval pending) {
        forgetOld();
        approvals.put(pending.id(), pending);
        byRequest.put(requestKey(pending.loopId(), pending.requestHash()), pending.id());
        return done(null);
    }

    @Override
    public synchronized CompletionStage<Optional<Approval>> get(String id) {
        forgetOld();
        return done(Optional.ofNullable(approvals.get(ApprovalIds.check(id))));
    }

    @Override
    public synchronized CompletionStage<Optional<Approval>> forRequest(String loopId, String requestHash) {
        forgetOld();
        String id = byRequest.get(requestKey(loopId, requestHash));
        return done(Optional.ofNullable(id == null ? null : approvals.get(id)));
    }

    @Override
    public synchronized CompletionStage<List<Approval>> list(ApprovalState state, int limit) {
        forgetOld();
        List<Approval> found = new ArrayList<>();
        for (Approval approval : approvals.values()) {
            if (state == null || approval.state() == state) {
                found.add(approval);
            }
        }
        found.sort(Comparator.comparingLong(Approval::createdMillis).reversed().thenComparing(Approval::id));
        return done(List.copyOf(found.subList(0, Math.min(found.size(), Math.min(limit, MAX_LISTED)))));
    }

    @Override
    public synchronized CompletionStage<ApprovalDecision> decide(String id, boolean approve, String reason, String by,
            long nowMillis) {
        forgetOld();
        Approval approval = approvals.get(ApprovalIds.check(id));
        if (approval == null) {
            return done(new ApprovalDecision.Unknown());
        }
        if (approval.state() != ApprovalState.PENDING) {
            return done(new ApprovalDecision.AlreadyDecided(approval));
        }
        Approval decided = approval.decided(approve, reason, by, nowMillis);
        approvals.put(id, decided);
        return done(new ApprovalDecision.Decided(decided));
    }

    @Override
    public synchronized CompletionStage<Optional<Approval>> claim(String id, long nowMillis) {
        forgetOld();
        Approval approval = approvals.get(ApprovalIds.check(id));
        if (approval == null || approval.state() != ApprovalState.APPROVED) {
            return done(Optional.empty());
        }
        Approval delivered = approval.delivered();
        approvals.put(id, delivered);
        return done(Optional.of(delivered));
    }

    private void forgetOld() {
        long now = clock.millis();
        approvals.values().removeIf(approval -> now - approval.changedMillis() >= retentionMillis);
        byRequest.values().removeIf(id -> !approvals.containsKey(id));
    }

    private static String requestKey(String loopId, String requestHash) {
        return loopId + "\n" + requestHash;
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public void close() {
    }
}
