package dev.loopgate.budgets.approvals.internal;

import dev.loopgate.budgets.approvals.Approval;
import dev.loopgate.budgets.approvals.ApprovalDecision;
import dev.loopgate.budgets.approvals.ApprovalIds;
import dev.loopgate.budgets.approvals.ApprovalState;
import dev.loopgate.budgets.approvals.ApprovalStore;
import dev.loopgate.budgets.approvals.HeldCall;
import dev.loopgate.budgets.ledger.internal.Checks;
import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Approvals in Redis, all under the hash tag {@code {approvals}}, changed only by
 * {@code approval_v1.lua} (whose header gives the layout); reads are plain GETs and HGETALLs.
 */
public final class RedisApprovalStore implements ApprovalStore {
    private static final LuaScript SCRIPT = LuaScript.load(RedisApprovalStore.class, "approval_v1.lua");

    private final Reconnecting<RedisConnection<String, String>> connection;
    private final String prefix;
    private final String keep;

    public RedisApprovalStore(RedisLink link, String namespace, long retentionMillis) {
        this.connection = new Reconnecting<>(() -> link.connect()
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(link.unusable("approvals", failure))));
        this.prefix = namespace + ":v1:{approvals}:";
        this.keep = Long.toString(retentionMillis);
    }

    private String approvalKey(String id) {
        return prefix + "a:" + ApprovalIds.check(id);
    }

    private String requestKey(String loopId, String requestHash) {
        return prefix + "req:" + Checks.loopId(loopId) + ":" + requestHash;
    }

    private CompletableFuture<List<Object>> script(String[] keys, String op, long nowMillis, List<String> more) {
        String[] args = new String[3 + more.size()];
        args[0] = op;
        args[1] = Long.toString(nowMillis);
        args[2] = keep;
        for (int i = 0; i < more.size(); i++) {
            args[3 + i] = more.get(i);
        }
        return connection.get().thenCompose(open -> SCRIPT.<List<Object>, String, String>run(open.commands(),
                ScriptOutputType.MULTI, keys, args));
    }

    @Override
    public CompletionStage<Void> hold(Approval pending) {
        List<String> fields = new ArrayList<>(List.of("loop", pending.loopId(), "req", pending.requestHash(),
                "calls", Integer.toString(pending.calls().size()), "answer", pending.answer(),
                "ctype", pending.contentType(), "state", pending.state().name(),
                "created", Long.toString(pending.createdMillis())));
        if (pending.runId() != null) {
            fields.addAll(List.of("run", pending.runId()));
        }
        for (int i = 0; i < pending.calls().size(); i++) {
            HeldCall call = pending.calls().get(i);
            fields.addAll(List.of("tool:" + (i + 1), call.tool(), "args:" + (i + 1), call.arguments()));
        }
        String[] keys = {approvalKey(pending.id()), prefix + "all", requestKey(pending.loopId(), pending.requestHash())};
        return script(keys, "hold", pending.createdMillis(), fields).thenApply(reply -> null);
    }

    @Override
    public CompletionStage<Optional<Approval>> get(String id) {
        String key = approvalKey(id);
        return connection.get().thenCompose(open -> open.commands().hgetall(key))
                .thenApply(fields -> Optional.ofNullable(approval(id, fields)));
    }

    @Override
    public CompletionStage<Optional<Approval>> forRequest(String loopId, String requestHash) {
        String key = requestKey(loopId, requestHash);
        return connection.get().thenCompose(open -> open.commands().get(key).toCompletableFuture()
                .thenCompose(id -> id == null ? CompletableFuture.completedFuture(Optional.<Approval>empty())
                        : get(id).toCompletableFuture()));
    }

    @Override
    public CompletionStage<List<Approval>> list(ApprovalState state, int limit) {
        int most = Math.min(limit, MAX_LISTED);
        return connection.get().thenCompose(open -> open.commands().zrevrange(prefix + "all", 0, MAX_LISTED - 1)
                .toCompletableFuture().thenCompose(ids -> {
                    List<CompletableFuture<Approval>> reads = new ArrayList<>(ids.size());
                    for (String id : ids) {
                        reads.add(open.commands().hgetall(approvalKey(id)).toCompletableFuture()
                                .thenApply(fields -> approval(id, fields)));
                    }
                    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        List<Approval> found = new ArrayList<>();
                        for (CompletableFuture<Approval> read : reads) {
                            // listed but gone (its hash expired first): left out
                            Approval approval = read.join();
                            if (approval != null && (state == null || approval.state() == state) && found.size() < most) {
                                found.add(approval);
                            }
                        }
                        return found;
                    });
                }));
    }

    @Override
    public CompletionStage<ApprovalDecision> decide(String id, boolean approve, String reason, String by,
            long nowMillis) {
        return script(new String[] {approvalKey(id)}, "decide", nowMillis,
                List.of(approve ? ApprovalState.APPROVED.name() : ApprovalState.REJECTED.name(), reason, by))
                .thenApply(reply -> switch ((int) number(reply.get(0))) {
                    case 1 -> new ApprovalDecision.Decided(approval(id, fields(reply)));
                    case 2 -> new ApprovalDecision.AlreadyDecided(approval(id, fields(reply)));
                    default -> new ApprovalDecision.Unknown();
                });
    }

    @Override
    public CompletionStage<Optional<Approval>> claim(String id, long nowMillis) {
        return script(new String[] {approvalKey(id)}, "claim", nowMillis, List.of()).thenApply(reply ->
                number(reply.get(0)) == 1 ? Optional.of(approval(id, fields(reply))) : Optional.empty());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> fields(List<Object> reply) {
        List<Object> flat = (List<Object>) reply.get(1);
        Map<String, String> fields = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
        }
        return fields;
    }

    private static Approval approval(String id, Map<String, String> fields) {
        if (fields == null || !fields.containsKey("state")) {
            return null;
        }
        int count = Integer.parseInt(fields.get("calls"));
        List<HeldCall> calls = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            calls.add(new HeldCall(fields.get("tool:" + i), fields.get("args:" + i)));
        }
        return new Approval(id, fields.get("loop"), fields.get("run"), fields.get("req"), calls, fields.get("answer"),
                fields.get("ctype"), ApprovalState.valueOf(fields.get("state")), fields.get("reason"), fields.get("by"),
                number(fields.get("created")), number(fields.get("decided")));
    }

    private static long number(Object value) {
        return value == null ? 0 : value instanceof Long n ? n : Long.parseLong(value.toString());
    }

    @Override
    public void close() {
        connection.close().thenAccept(RedisConnection::closeAsync);
    }
}
