package dev.loopgate.budgets.runs.internal;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.LoopState;
import dev.loopgate.budgets.ledger.internal.Checks;
import dev.loopgate.budgets.redis.LuaScript;
import dev.loopgate.budgets.redis.Reconnecting;
import dev.loopgate.budgets.redis.RedisConnection;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.budgets.runs.RunDecision;
import dev.loopgate.budgets.runs.RunHold;
import dev.loopgate.budgets.runs.RunIds;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.budgets.runs.RunLimits;
import dev.loopgate.budgets.runs.RunSettled;
import dev.loopgate.budgets.runs.RunStatus;
import dev.loopgate.budgets.runs.RunTrip;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs in Redis: one hash per run and one sorted set of a loop's runs, both under the loop's
 * hash tag, changed only by {@code run_v1.lua} (whose header gives the layout). Reads are plain
 * HGETALLs. A run is forgotten {@code retentionMillis} after its latest call.
 */
public final class RedisRunLedger implements RunLedger {
    private static final LuaScript SCRIPT = LuaScript.load(RedisRunLedger.class, "run_v1.lua");
    private static final String TOOL_FIELD = "tool:";

    private final Reconnecting<RedisConnection<String, String>> connection;
    private final String namespace;
    private final String keep;

    public RedisRunLedger(RedisLink link, String namespace, long retentionMillis) {
        this.connection = new Reconnecting<>(() -> link.connect()
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(link.unusable("runs", failure))));
        this.namespace = namespace;
        this.keep = Long.toString(retentionMillis);
    }

    private String prefix(String loopId) {
        return namespace + ":v1:loop:{" + Checks.loopId(loopId) + "}:";
    }

    private String[] keys(String loopId, String runId) {
        String prefix = prefix(loopId);
        return new String[] {prefix + "run:" + RunIds.check(runId), prefix + "runs"};
    }

    private CompletableFuture<List<Object>> run(String loopId, String runId, String op, long nowMillis,
            String... more) {
        return run(keys(loopId, runId), loopId, runId, op, nowMillis, more);
    }

    private CompletableFuture<List<Object>> run(String[] keys, String loopId, String runId, String op, long nowMillis,
            String... more) {
        String[] args = new String[5 + more.length];
        args[0] = op;
        args[1] = runId;
        args[2] = Long.toString(nowMillis);
        args[3] = keep;
        args[4] = loopId;
        System.arraycopy(more, 0, args, 5, more.length);
        return connection.get().thenCompose(open -> SCRIPT.<List<Object>, String, String>run(open.commands(),
                ScriptOutputType.MULTI, keys, args));
    }

    @Override
    public CompletionStage<RunDecision> hold(RunHold hold) {
        RunLimits caps = hold.limits();
        return run(hold.loopId(), hold.runId(), "hold", hold.nowMillis(), hold.holdId(),
                Long.toString(hold.worstCaseNanos()), Long.toString(hold.worstCaseTokens()),
                Long.toString(caps.usdNanos()), Long.toString(caps.tokens()), Long.toString(caps.steps()),
                Long.toString(caps.wallClockMillis()), Long.toString(caps.idleMillis()),
                Long.toString(hold.expiresAtMillis())).thenApply(reply -> {
                    if (number(reply, 0) == 1) {
                        return new RunDecision.Held(number(reply, 1), number(reply, 2), number(reply, 3),
                                number(reply, 4) == 1);
                    }
                    if (number(reply, 1) == 0) {
                        return new RunDecision.Refused(false, null, RunTexts.exceeded((String) reply.get(2)));
                    }
                    RunTrip trip = new RunTrip(hold.loopId(), hold.runId(), Breaker.valueOf((String) reply.get(2)),
                            (String) reply.get(3), number(reply, 4));
                    return new RunDecision.Refused(true, trip, RunTexts.paused(trip));
                });
    }

    @Override
    public CompletionStage<RunSettled> settle(String loopId, String runId, String holdId, long nanos, long tokens,
            RunLimits limits, long nowMillis) {
        Checks.amount(nanos, "nanos");
        Checks.amount(tokens, "tokens");
        return run(loopId, runId, "settle", nowMillis, holdId, Long.toString(nanos), Long.toString(tokens),
                Long.toString(limits.usdNanos()), Long.toString(limits.tokens())).thenApply(reply -> new RunSettled(
                        number(reply, 1), number(reply, 2), reply.size() > 4 && reply.get(3) instanceof String breaker
                                ? new RunTrip(loopId, runId, Breaker.valueOf(breaker), (String) reply.get(4),
                                        number(reply, 5))
                                : null));
    }

    @Override
    public CompletionStage<Void> cancel(String loopId, String runId, String holdId, long nowMillis) {
        return run(loopId, runId, "cancel", nowMillis, holdId).thenApply(reply -> null);
    }

    @Override
    public CompletionStage<Optional<String>> countToolCall(String loopId, String runId, Map<String, Long> caps,
            long nowMillis) {
        if (caps.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        String[] keys = runId == null ? new String[] {prefix(loopId) + "tools", prefix(loopId) + "runs"}
                : keys(loopId, runId);
        String[] pairs = new String[caps.size() * 2];
        int i = 0;
        for (Map.Entry<String, Long> cap : caps.entrySet()) {
            pairs[i++] = cap.getKey();
            pairs[i++] = Long.toString(cap.getValue());
        }
        return run(keys, loopId, runId == null ? "" : runId, "tools", nowMillis, pairs)
                .thenApply(reply -> number(reply, 0) == 1 ? Optional.<String>empty() : Optional.of((String) reply.get(1)));
    }

    @Override
    public CompletionStage<Optional<RunStatus>> status(String loopId, String runId) {
        String key = keys(loopId, runId)[0];
        return connection.get().thenCompose(open -> open.commands().hgetall(key))
                .thenApply(fields -> Optional.ofNullable(status(loopId, runId, fields)));
    }

    @Override
    public CompletionStage<List<RunStatus>> runs(String loopId) {
        String prefix = prefix(loopId);
        return connection.get().thenCompose(open -> open.commands().zrevrange(prefix + "runs", 0, MAX_RUNS_LISTED - 1)
                .toCompletableFuture().thenCompose(ids -> {
                    List<CompletableFuture<RunStatus>> reads = new ArrayList<>(ids.size());
                    for (String id : ids) {
                        reads.add(open.commands().hgetall(prefix + "run:" + id).toCompletableFuture()
                                .thenApply(fields -> status(loopId, id, fields)));
                    }
                    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(done -> {
                        List<RunStatus> runs = new ArrayList<>(reads.size());
                        for (CompletableFuture<RunStatus> read : reads) {
                            // a run listed but gone (its hash expired first) is left out
                            if (read.join() != null) {
                                runs.add(read.join());
                            }
                        }
                        runs.sort(RunOrder.LISTING);
                        return runs;
                    });
                }));
    }

    @Override
    public CompletionStage<Optional<RunStatus>> pause(String loopId, String runId, String reason, String by,
            long nowMillis) {
        return run(loopId, runId, "pause", nowMillis, RunTexts.byAdmin(reason, by))
                .thenCompose(reply -> status(loopId, runId));
    }

    @Override
    public CompletionStage<Optional<RunStatus>> resume(String loopId, String runId, String reason, String by,
            long nowMillis) {
        return run(loopId, runId, "resume", nowMillis, RunTexts.byAdmin(reason, by))
                .thenCompose(reply -> status(loopId, runId));
    }

    private static RunStatus status(String loopId, String runId, Map<String, String> fields) {
        if (fields == null || !fields.containsKey("wstart")) {
            return null;
        }
        boolean paused = "PAUSED".equals(fields.get("state"));
        RunTrip trip = paused ? new RunTrip(loopId, runId, Breaker.valueOf(fields.get("breaker")),
                fields.get("reason"), number(fields.get("tripped"))) : null;
        return new RunStatus(loopId, runId, paused ? LoopState.PAUSED : LoopState.ACTIVE,
                number(fields.get("spent")), number(fields.get("reserved")), number(fields.get("tokens")),
                number(fields.get("steps")), number(fields.get("first")), number(fields.get("last")),
                number(fields.get("restarts")),
                new RunStatus.Window(number(fields.get("wspent")), number(fields.get("wtokens")),
                        number(fields.get("wsteps")), number(fields.get("wstart"))), trip, toolCalls(fields));
    }

    private static Map<String, Long> toolCalls(Map<String, String> fields) {
        Map<String, Long> counts = new TreeMap<>();
        fields.forEach((field, value) -> {
            if (field.startsWith(TOOL_FIELD)) {
                counts.put(field.substring(TOOL_FIELD.length()), number(value));
            }
        });
        return counts;
    }

    private static long number(String value) {
        return value == null ? 0 : Long.parseLong(value);
    }

    private static long number(List<Object> reply, int index) {
        Object value = reply.get(index);
        return value instanceof Long n ? n : value == null ? 0 : Long.parseLong(value.toString());
    }

    @Override
    public void close() {
        connection.close().thenAccept(RedisConnection::closeAsync);
    }
}
