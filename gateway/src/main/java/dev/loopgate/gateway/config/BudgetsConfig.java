package dev.loopgate.gateway.config;

import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.budgets.runs.RunLimits;
import dev.loopgate.rules.Glob;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What loops and keys may spend: the default budget, per-loop overrides by glob (the
 * first that matches wins, each already merged over the default), per-key daily caps,
 * how long an unsettled reservation lives, and what to do when Redis is down.
 */
public record BudgetsConfig(
        LoopBudget defaults,
        List<LoopBudget> loops,
        Map<String, KeyBudget> keys,
        Duration reservationTtl,
        RedisDownPolicy onRedisDown,
        double localSlice) {
    public static final Duration DEFAULT_RESERVATION_TTL = Duration.ofMinutes(10);
    /** Under {@code on_redis_down: allow}, the share of each budget a replica may spend on its own. */
    public static final double DEFAULT_LOCAL_SLICE = 0.1;
    public static final BudgetsConfig UNLIMITED = new BudgetsConfig(
            new LoopBudget(null, new BudgetLimits(0, 0, 0, 0, Period.TOTAL), RateLimits.NONE, RunLimits.NONE),
            List.of(), Map.of(), DEFAULT_RESERVATION_TTL, RedisDownPolicy.DENY, DEFAULT_LOCAL_SLICE);

    public BudgetsConfig {
        loops = List.copyOf(loops);
        keys = Map.copyOf(keys);
    }

    /** A loop's budget, rates and the caps of each of its runs; {@code pattern} is null for the default. */
    public record LoopBudget(Glob pattern, BudgetLimits limits, RateLimits rates, RunLimits runs) {
    }

    /** A key's daily USD cap (0 = none) and rates, across all the loops it acts for. */
    public record KeyBudget(long usdPerDayNanos, RateLimits rates) {
        public static final KeyBudget NONE = new KeyBudget(0, RateLimits.NONE);
    }

    /** When Redis cannot be reached: refuse calls (503), or spend from a small local slice of each budget. */
    public enum RedisDownPolicy {
        DENY,
        ALLOW
    }

    public LoopBudget forLoop(String loopId) {
        for (LoopBudget loop : loops) {
            if (loop.pattern().matches(loopId)) {
                return loop;
            }
        }
        return defaults;
    }

    /** The key's own caps when it was made with some (admin API), else {@code budgets.keys} by its name. */
    public KeyBudget forKey(KeyConfig key) {
        return key.caps() != null ? key.caps() : keys.getOrDefault(key.name(), KeyBudget.NONE);
    }
}
