package dev.loopgate.budgets.runs.internal;

import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.LoopState;
import dev.loopgate.budgets.ledger.internal.Checks;
import dev.loopgate.budgets.runs.RunDecision;
import dev.loopgate.budgets.runs.RunHold;
import dev.loopgate.budgets.runs.RunIds;
import dev.loopgate.budgets.runs.RunLedger;
import dev.loopgate.budgets.runs.RunLimits;
import dev.loopgate.budgets.runs.RunSettled;
import dev.loopgate.budgets.runs.RunStatus;
import dev.loopgate.budgets.runs.RunTrip;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs in this process, for a gateway without Redis: the rules of {@code run_v1.lua}, each
 * loop's runs under one lock. A loop keeps its {@link #MAX_RUNS_LISTED} most recently active
 * runs, each forgotten {@code retentionMillis} after its latest call.
 */
public final class InMemoryRunLedger implements RunLedger {
    private final long retentionMillis;
    private final Map<String, LoopRuns> loops = new ConcurrentHashMap<>();

    public InMemoryRunLedger(long retentionMillis) {
        this.retentionMillis = retentionMillis;
    }

    private static final class Hold {
        final long nanos;
        final long tokens;
        final long expiresAt;

        Hold(long nanos, long tokens, long expiresAt) {
            this.nanos = nanos;
            this.tokens = tokens;
            this.expiresAt = expiresAt;
        }
    }

    private static final class Run {
        final String id;
        RunTrip trip;
        long spent;
        long tokens;
        long steps;
        long first;
        long last;
        long restarts;
        long windowSpent;
        long windowTokens;
        long windowSteps;
        long windowStart;
        long windowLast;
        long reserved;
        long reservedTokens;
        final Map<String, Hold> holds = new HashMap<>();

        Run(String id) {
            this.id = id;
        }

        void release(String holdId, Hold hold, boolean charge, long nanos, long tokenCount) {
            holds.remove(holdId);
            reserved -= hold.nanos;
            reservedTokens -= hold.tokens;
            if (charge) {
                spent += nanos;
                tokens += tokenCount;
                windowSpent += nanos;
                windowTokens += tokenCount;
            }
        }

        void chargeOverdue(long now) {
            for (Iterator<Map.Entry<String, Hold>> it = holds.entrySet().iterator(); it.hasNext();) {
                Map.Entry<String, Hold> entry = it.next();
                Hold hold = entry.getValue();
                if (hold.expiresAt <= now) {
                    it.remove();
                    reserved -= hold.nanos;
                    reservedTokens -= hold.tokens;
                    spent += hold.nanos;
                    tokens += hold.tokens;
                    windowSpent += hold.nanos;
                    windowTokens += hold.tokens;
                }
            }
        }

        void restartWindow(long now) {
            windowStart = now;
            windowSpent = 0;
            windowTokens = 0;
            windowSteps = 0;
            windowLast = 0;
        }
    }

    /** One loop's runs, most recently active last, and the tool calls its caps count, by run ("" for none). */
    private static final class LoopRuns {
        final Map<String, Run> runs = new LinkedHashMap<>();
        final Map<String, Map<String, Long>> toolCalls = new HashMap<>();
    }

    private LoopRuns loop(String loopId) {
        return loops.computeIfAbsent(Checks.loopId(loopId), id -> new LoopRuns());
    }

    /** The run, or null when never seen or forgotten. Call under the loop's lock. */
    private Run find(LoopRuns loop, String runId, long now) {
        Run run = loop.runs.get(RunIds.check(runId));
        if (run != null && now - run.last >= retentionMillis) {
            loop.runs.remove(runId);
            loop.toolCalls.remove(runId);
            return null;
        }
        return run;
    }

    @Override
    public CompletionStage<RunDecision> hold(RunHold hold) {
        LoopRuns loop = loop(hold.loopId());
        long now = hold.nowMillis();
        RunLimits caps = hold.limits();
        synchronized (loop) {
            Run run = find(loop, hold.runId(), now);
            boolean restarted = run == null;
            if (restarted) {
                run = new Run(hold.runId());
                run.first = now;
                run.windowStart = now;
            }
            // most recently active last, so the eldest is the one let go past the bound
            loop.runs.remove(run.id);
            loop.runs.put(run.id, run);
            while (loop.runs.size() > MAX_RUNS_LISTED) {
                loop.runs.remove(loop.runs.keySet().iterator().next());
            }
            run.chargeOverdue(now);
            if (run.trip != null) {
                return done(new RunDecision.Refused(true, run.trip, RunTexts.paused(run.trip)));
            }
            if (!restarted && caps.idleMillis() > 0 && run.windowLast > 0 && now - run.windowLast >= caps.idleMillis()
                    && run.reserved == 0) {
                run.restarts++;
                run.restartWindow(now);
                restarted = true;
            }
            String name = RunTexts.name(hold.loopId(), run.id);
            RunTrip trip = null;
            if (caps.wallClockMillis() > 0 && now - run.windowStart >= caps.wallClockMillis()) {
                trip = new RunTrip(hold.loopId(), run.id, Breaker.WALL_CLOCK, name + " reached its wall-clock cap of "
                        + caps.wallClockMillis() + " ms", now);
            } else if (caps.steps() > 0 && run.windowSteps >= caps.steps()) {
                trip = new RunTrip(hold.loopId(), run.id, Breaker.STEP_CAP, name + " reached its step cap of "
                        + caps.steps(), now);
            } else {
                trip = budgetTrip(hold.loopId(), run, caps, now);
            }
            if (trip != null) {
                run.trip = trip;
                return done(new RunDecision.Refused(true, trip, RunTexts.paused(trip)));
            }
            if (caps.usdNanos() > 0 && run.windowSpent + run.reserved + hold.worstCaseNanos() > caps.usdNanos()) {
                return done(new RunDecision.Refused(false, null, RunTexts.exceeded(name + " would pass its $"
                        + Money.format(caps.usdNanos()) + " cap: $" + Money.format(run.windowSpent) + " spent and $"
                        + Money.format(run.reserved) + " reserved")));
            }
            if (caps.tokens() > 0 && run.windowTokens + run.reservedTokens + hold.worstCaseTokens() > caps.tokens()) {
                return done(new RunDecision.Refused(false, null, RunTexts.exceeded(name + " would pass its "
                        + caps.tokens() + " token cap: " + run.windowTokens + " used and " + run.reservedTokens
                        + " reserved")));
            }
            run.holds.put(hold.holdId(), new Hold(hold.worstCaseNanos(), hold.worstCaseTokens(), hold.expiresAtMillis()));
            run.reserved += hold.worstCaseNanos();
            run.reservedTokens += hold.worstCaseTokens();
            long stepsBefore = run.windowSteps;
            long previous = run.windowLast;
            run.steps++;
            run.windowSteps++;
            run.last = Math.max(run.last, now);
            run.windowLast = Math.max(run.windowLast, now);
            return done(new RunDecision.Held(stepsBefore, previous, run.windowStart, restarted));
        }
    }

    private static RunTrip budgetTrip(String loopId, Run run, RunLimits caps, long now) {
        String name = RunTexts.name(loopId, run.id);
        if (caps.usdNanos() > 0 && run.windowSpent >= caps.usdNanos()) {
            return new RunTrip(loopId, run.id, Breaker.HARD_BUDGET, name + " spent $" + Money.format(run.windowSpent)
                    + " of its $" + Money.format(caps.usdNanos()) + " cap", now);
        }
        if (caps.tokens() > 0 && run.windowTokens >= caps.tokens()) {
            return new RunTrip(loopId, run.id, Breaker.HARD_BUDGET, name + " used " + run.windowTokens + " of its "
                    + caps.tokens() + " token cap", now);
        }
        return null;
    }

    @Override
    public CompletionStage<RunSettled> settle(String loopId, String runId, String holdId, long nanos, long tokens,
            RunLimits limits, long nowMillis) {
        Checks.amount(nanos, "nanos");
        Checks.amount(tokens, "tokens");
        LoopRuns loop = loop(loopId);
        synchronized (loop) {
            Run run = find(loop, runId, nowMillis);
            if (run == null) {
                return done(new RunSettled(0, 0, null));
            }
            run.chargeOverdue(nowMillis);
            Hold hold = run.holds.get(holdId);
            RunTrip trip = null;
            if (hold != null) {
                boolean late = nowMillis >= hold.expiresAt;
                run.release(holdId, hold, true, late ? hold.nanos : nanos, late ? hold.tokens : tokens);
                if (run.trip == null) {
                    trip = budgetTrip(loopId, run, limits, nowMillis);
                    run.trip = trip;
                }
            }
            return done(new RunSettled(run.windowSpent, run.windowTokens, trip));
        }
    }

    @Override
    public CompletionStage<Void> cancel(String loopId, String runId, String holdId, long nowMillis) {
        LoopRuns loop = loop(loopId);
        synchronized (loop) {
            Run run = find(loop, runId, nowMillis);
            Hold hold = run == null ? null : run.holds.get(holdId);
            if (hold != null) {
                run.release(holdId, hold, false, 0, 0);
                run.steps--;
                run.windowSteps--;
            }
            return done(null);
        }
    }

    @Override
    public CompletionStage<Optional<String>> countToolCall(String loopId, String runId, Map<String, Long> caps,
            long nowMillis) {
        LoopRuns loop = loop(loopId);
        String key = runId == null ? "" : RunIds.check(runId);
        synchronized (loop) {
            Map<String, Long> counts = loop.toolCalls.computeIfAbsent(key, any -> new TreeMap<>());
            for (Map.Entry<String, Long> cap : caps.entrySet()) {
                if (counts.getOrDefault(cap.getKey(), 0L) >= cap.getValue()) {
                    return done(Optional.of(cap.getKey()));
                }
            }
            caps.keySet().forEach(cap -> counts.merge(cap, 1L, Long::sum));
            return done(Optional.empty());
        }
    }

    @Override
    public CompletionStage<Optional<RunStatus>> status(String loopId, String runId) {
        LoopRuns loop = loop(loopId);
        synchronized (loop) {
            Run run = loop.runs.get(RunIds.check(runId));
            return done(Optional.ofNullable(run == null ? null : status(loopId, run, loop)));
        }
    }

    @Override
    public CompletionStage<List<RunStatus>> runs(String loopId) {
        LoopRuns loop = loop(loopId);
        List<RunStatus> runs = new ArrayList<>();
        synchronized (loop) {
            for (Run run : loop.runs.values()) {
                runs.add(status(loopId, run, loop));
            }
        }
        runs.sort(RunOrder.LISTING);
        return done(runs);
    }

    @Override
    public CompletionStage<Optional<RunStatus>> pause(String loopId, String runId, String reason, String by,
            long nowMillis) {
        LoopRuns loop = loop(loopId);
        synchronized (loop) {
            Run run = loop.runs.get(RunIds.check(runId));
            if (run == null) {
                return done(Optional.empty());
            }
            run.chargeOverdue(nowMillis);
            if (run.trip == null) {
                run.trip = new RunTrip(loopId, runId, Breaker.MANUAL, RunTexts.byAdmin(reason, by), nowMillis);
            }
            return done(Optional.of(status(loopId, run, loop)));
        }
    }

    @Override
    public CompletionStage<Optional<RunStatus>> resume(String loopId, String runId, String reason, String by,
            long nowMillis) {
        LoopRuns loop = loop(loopId);
        synchronized (loop) {
            Run run = loop.runs.get(RunIds.check(runId));
            if (run == null) {
                return done(Optional.empty());
            }
            run.chargeOverdue(nowMillis);
            if (run.trip != null) {
                run.trip = null;
                run.restartWindow(nowMillis);
            }
            return done(Optional.of(status(loopId, run, loop)));
        }
    }

    /** Call under the loop's lock. */
    private static RunStatus status(String loopId, Run run, LoopRuns loop) {
        return new RunStatus(loopId, run.id, run.trip == null ? LoopState.ACTIVE : LoopState.PAUSED, run.spent,
                run.reserved, run.tokens, run.steps, run.first, run.last, run.restarts,
                new RunStatus.Window(run.windowSpent, run.windowTokens, run.windowSteps, run.windowStart), run.trip,
                loop.toolCalls.getOrDefault(run.id, Map.of()));
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public void close() {
    }
}
