package dev.loopgate.gateway.config.internal;

import dev.loopgate.budgets.Money;
import dev.loopgate.budgets.ledger.BreakerSettings;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.budgets.runs.RunLimits;
import dev.loopgate.gateway.config.BreakersConfig;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.BudgetsConfig.KeyBudget;
import dev.loopgate.gateway.config.BudgetsConfig.LoopBudget;
import dev.loopgate.gateway.config.BudgetsConfig.RedisDownPolicy;
import dev.loopgate.gateway.config.Secret;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawBreakersConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawBudget;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawBudgetsConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawKeyBudget;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawRunCaps;
import dev.loopgate.rules.Glob;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** Checks {@code budgets:} and {@code breakers:}; absent fields mean "no limit" and "breaker off". */
final class BudgetsValidator {
    /** A webhook secret shorter than this is guessable. */
    static final int MIN_WEBHOOK_SECRET = 16;
    static final Duration DEFAULT_REPEAT_WINDOW = Duration.ofMinutes(10);
    /** The largest amount the ledger holds exactly (2^53 nano-dollars, about $9M). */
    private static final BigDecimal MAX_USD = Money.toUsd(BudgetLimits.MAX_AMOUNT);

    private final Problems problems;

    BudgetsValidator(Problems problems) {
        this.problems = problems;
    }

    BudgetsConfig budgets(RawBudgetsConfig raw, Set<String> keyNames) {
        if (raw == null) {
            return BudgetsConfig.UNLIMITED;
        }
        LoopBudget configured = budget(raw.defaults(), null, "budgets.default", BudgetsConfig.UNLIMITED.defaults());
        LoopBudget defaults = raw.runs() == null ? configured
                : new LoopBudget(null, configured.limits(), configured.rates(), runs(raw.runs(), "budgets.runs"));
        List<LoopBudget> loops = new ArrayList<>();
        if (raw.loops() != null) {
            raw.loops().forEach((pattern, budget) -> {
                String path = Problems.field("budgets.loops", pattern);
                if (pattern.isBlank()) {
                    problems.add(path, "a loop pattern must not be empty");
                    return;
                }
                loops.add(budget(budget, Glob.compile(pattern), path, defaults));
            });
        }
        Map<String, KeyBudget> keys = new LinkedHashMap<>();
        if (raw.keys() != null) {
            raw.keys().forEach((name, budget) -> {
                String path = Problems.field("budgets.keys", name);
                if (!keyNames.contains(name)) {
                    problems.add(path, "unknown key '" + name + "' (keys: " + String.join(", ", keyNames) + ")");
                    return;
                }
                keys.put(name, keyBudget(budget, path));
            });
        }
        Duration ttl = DurationParser.field(raw.reservationTtl(), "budgets.reservation_ttl",
                BudgetsConfig.DEFAULT_RESERVATION_TTL, false, problems);
        double slice = raw.localSlice() == null ? BudgetsConfig.DEFAULT_LOCAL_SLICE : raw.localSlice();
        if (!(slice > 0 && slice <= 1)) {
            problems.add("budgets.local_slice", "must be a fraction above 0 and at most 1, got " + slice);
            slice = BudgetsConfig.DEFAULT_LOCAL_SLICE;
        }
        return new BudgetsConfig(defaults, loops, keys, ttl, redisDownPolicy(raw.onRedisDown()), slice);
    }

    BreakersConfig breakers(RawBreakersConfig raw) {
        if (raw == null) {
            return BreakersConfig.OFF;
        }
        long usdPerMinute = raw.spendRate() == null ? 0
                : usd(raw.spendRate().usdPerMinute(), "breakers.spend_rate.usd_per_minute", true);
        int sameRequest = 0;
        long window = 0;
        if (raw.repeat() != null) {
            Integer limit = raw.repeat().sameRequest();
            if (limit == null || limit < 2 || limit > BreakerSettings.MAX_REPEATS_KEPT) {
                problems.add("breakers.repeat.same_request", "must be 2-" + BreakerSettings.MAX_REPEATS_KEPT
                        + " (how many identical requests within the window pause the loop), got " + limit);
            } else {
                sameRequest = limit;
            }
            window = DurationParser.field(raw.repeat().window(), "breakers.repeat.window", DEFAULT_REPEAT_WINDOW,
                    false, problems).toMillis();
        }
        int consecutive = 0;
        if (raw.upstreamFailures() != null) {
            Integer failures = raw.upstreamFailures().consecutive();
            if (failures == null || failures < 1) {
                problems.add("breakers.upstream_failures.consecutive", "must be at least 1, got " + failures);
            } else {
                consecutive = failures;
            }
        }
        String secret = raw.notification() == null ? null : raw.notification().secret();
        if (secret != null && secret.length() < MIN_WEBHOOK_SECRET) {
            problems.add("breakers.notify.secret", "must be at least " + MIN_WEBHOOK_SECRET + " characters");
        }
        return new BreakersConfig(new BreakerSettings(usdPerMinute, sameRequest, window, consecutive),
                webhook(raw.notification() == null ? null : raw.notification().webhook()),
                Optional.ofNullable(secret).map(Secret::new), warnAt(raw.warnAt()));
    }

    private List<Double> warnAt(List<Double> raw) {
        if (raw == null) {
            return List.of();
        }
        TreeSet<Double> fractions = new TreeSet<>();
        for (int i = 0; i < raw.size(); i++) {
            Double fraction = raw.get(i);
            if (fraction == null || !(fraction > 0 && fraction < 1)) {
                problems.add("breakers.warn_at[" + i + "]", "must be a fraction between 0 and 1, such as 0.8, got " + fraction);
            } else if (!fractions.add(fraction)) {
                problems.add("breakers.warn_at[" + i + "]", "repeats " + fraction);
            }
        }
        return List.copyOf(fractions);
    }

    private LoopBudget budget(RawBudget raw, Glob pattern, String path, LoopBudget base) {
        if (raw == null) {
            return new LoopBudget(pattern, base.limits(), base.rates(), base.runs());
        }
        BudgetLimits limits = base.limits();
        RateLimits rates = base.rates();
        return new LoopBudget(pattern,
                new BudgetLimits(
                        raw.usd() == null ? limits.usdNanos() : usd(raw.usd(), Problems.field(path, "usd"), true),
                        positive(raw.tokens(), Problems.field(path, "tokens"), limits.tokens()),
                        positive(raw.steps(), Problems.field(path, "steps"), limits.steps()),
                        raw.wallClock() == null ? limits.wallClockMillis() : DurationParser.field(raw.wallClock(),
                                Problems.field(path, "wall_clock"), Duration.ZERO, false, problems).toMillis(),
                        raw.period() == null ? limits.period() : period(raw.period(), Problems.field(path, "period"))),
                new RateLimits(
                        positive(raw.rpm(), Problems.field(path, "rpm"), rates.requestsPerMinute()),
                        positive(raw.tpm(), Problems.field(path, "tpm"), rates.tokensPerMinute())),
                raw.runs() == null ? base.runs() : runs(raw.runs(), Problems.field(path, "runs")));
    }

    /** {@code runs:}, the caps of each run of a loop; absent fields mean no cap. */
    private RunLimits runs(RawRunCaps raw, String path) {
        return new RunLimits(
                raw.usd() == null ? 0 : usd(raw.usd(), Problems.field(path, "usd"), true),
                positive(raw.tokens(), Problems.field(path, "tokens"), 0),
                positive(raw.steps(), Problems.field(path, "steps"), 0),
                millis(raw.wallClock(), Problems.field(path, "wall_clock")),
                millis(raw.idle(), Problems.field(path, "idle")));
    }

    private long millis(String raw, String path) {
        return raw == null ? 0 : DurationParser.field(raw, path, Duration.ZERO, false, problems).toMillis();
    }

    private KeyBudget keyBudget(RawKeyBudget raw, String path) {
        if (raw == null) {
            return KeyBudget.NONE;
        }
        return new KeyBudget(
                raw.usdPerDay() == null ? 0 : usd(raw.usdPerDay(), Problems.field(path, "usd_per_day"), true),
                new RateLimits(positive(raw.rpm(), Problems.field(path, "rpm"), 0),
                        positive(raw.tpm(), Problems.field(path, "tpm"), 0)));
    }

    private long usd(BigDecimal usd, String path, boolean required) {
        if (usd == null) {
            if (required) {
                problems.add(path, "required (USD)");
            }
            return 0;
        }
        if (usd.signum() <= 0 || usd.compareTo(MAX_USD) > 0) {
            problems.add(path, "must be a positive amount of USD up to " + MAX_USD.toPlainString() + ", got "
                    + usd.toPlainString());
            return 0;
        }
        return Money.nanosOf(usd);
    }

    private long positive(Long value, String path, long fallback) {
        if (value == null) {
            return fallback;
        }
        if (value <= 0) {
            problems.add(path, "must be positive, got " + value);
            return fallback;
        }
        return value;
    }

    private Period period(String raw, String path) {
        try {
            return Period.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(path, "must be one of total, day, month, got '" + raw + "'");
            return Period.TOTAL;
        }
    }

    private RedisDownPolicy redisDownPolicy(String raw) {
        if (raw == null) {
            return RedisDownPolicy.DENY;
        }
        try {
            return RedisDownPolicy.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add("budgets.on_redis_down", "must be deny or allow, got '" + raw + "'");
            return RedisDownPolicy.DENY;
        }
    }

    private Optional<URI> webhook(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(raw);
            if (uri.isAbsolute() && ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        problems.add("breakers.notify.webhook", "must be an absolute http:// or https:// URL, got '" + raw + "'");
        return Optional.empty();
    }
}
