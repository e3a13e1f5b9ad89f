package dev.loopgate.gateway.metrics;

import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.ledger.RefusalReason;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.CallSink;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.error.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts every finished call, rejections included: requests by outcome, duration and upstream
 * time to first byte, tokens and cost, budget refusals and rate-limited calls.
 *
 * <p>Labels come only from bounded sets: the endpoint, the tier, model and provider names of
 * the config, HTTP status, our error codes, the stream flag. Not the requested model (the
 * client writes it), and never the loop, run, key or request id (unbounded, see
 * {@link GatewayMetrics}). A label a call never reached is {@value #NONE}.
 *
 * <p>On the event loop, per call: one lookup in a map keyed by the call's labels, then
 * increments on meters found there. Meters are built once per label combination.
 */
final class CallMetrics implements CallSink {
    static final String NONE = "none";
    private static final double NANOS_PER_USD = 1e9;
    /** Histogram buckets for durations: sub-millisecond hops up to minute-long generations. */
    static final Duration[] BUCKETS = {
        Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};

    /** The labels one finished call is counted under. */
    private record Labels(Endpoint endpoint, String tier, String model, String provider, int status,
            String errorCode, boolean stream) {
    }

    /** The labels cost is counted under. */
    private record TierModel(String tier, String model) {
    }

    /** The meters of one label combination; the optional ones are null where they can never count. */
    private record Meters(Counter requests, Timer duration, Timer firstByte, Counter promptTokens,
            Counter completionTokens, Counter cachedTokens, LongAdder costNanos, Counter rateLimited) {
    }

    private final MeterRegistry registry;
    private final Map<Labels, Meters> meters = new ConcurrentHashMap<>();
    /** Cost in nano-dollars, exact; one per cost series, shared by every label combination under it. */
    private final Map<TierModel, LongAdder> costs = new ConcurrentHashMap<>();
    private final Map<RefusalReason, Counter> refusals = new EnumMap<>(RefusalReason.class);
    private final Counter overruns;

    CallMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RefusalReason reason : RefusalReason.values()) {
            refusals.put(reason, Counter.builder("loopgate.budget.refusals")
                    .description("Calls the budget guard refused, by reason (402, or 403 loop_paused)")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry));
        }
        overruns = Counter.builder("loopgate.budget.overruns")
                .description("Calls that cost more than the worst case reserved for them (charged in full)")
                .register(registry);
    }

    @Override
    public void record(CallRecord call) {
        Labels labels = new Labels(call.endpoint(), call.tier(), call.model(), call.provider(), call.status(),
                call.errorCode(), call.stream());
        Meters m = meters.get(labels);
        if (m == null) {
            m = meters.computeIfAbsent(labels, this::register);
        }
        m.requests.increment();
        m.duration.record(call.durationNanos(), TimeUnit.NANOSECONDS);
        if (m.firstByte != null && call.firstByteNanos() >= 0) {
            m.firstByte.record(call.firstByteNanos(), TimeUnit.NANOSECONDS);
        }
        if (m.promptTokens != null) {
            Usage usage = call.usage();
            m.promptTokens.increment(usage.promptTokens());
            m.completionTokens.increment(usage.completionTokens());
            m.cachedTokens.increment(usage.cachedPromptTokens());
            m.costNanos.add(call.costNanos());
        }
        if (m.rateLimited != null) {
            m.rateLimited.increment();
        }
        if (call.refusal() != null) {
            refusals.get(call.refusal()).increment();
        }
        if (call.overran()) {
            overruns.increment();
        }
    }

    private Meters register(Labels labels) {
        String endpoint = labels.endpoint().name().toLowerCase(Locale.ROOT);
        String tier = orNone(labels.tier());
        String model = orNone(labels.model());
        String provider = orNone(labels.provider());
        String stream = Boolean.toString(labels.stream());
        Counter requests = Counter.builder("loopgate.requests")
                .description("Finished calls, rejections included")
                .tags(Tags.of("endpoint", endpoint, "tier", tier, "model", model, "provider", provider,
                        "status", Integer.toString(labels.status()), "error_code", orNone(labels.errorCode()),
                        "stream", stream))
                .register(registry);
        Timer duration = Timer.builder("loopgate.request.duration")
                .description("From the request's arrival to the end of its answer (a stream's last byte)")
                .tags(Tags.of("endpoint", endpoint, "tier", tier, "model", model, "stream", stream,
                        "status_class", labels.status() / 100 + "xx"))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        boolean served = labels.model() != null;
        Timer firstByte = !served ? null : Timer.builder("loopgate.upstream.first.byte")
                .description("From the request's arrival to the serving upstream's response head")
                .tags(Tags.of("provider", provider, "model", model, "stream", stream))
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
        LongAdder cost = served ? costs.computeIfAbsent(new TierModel(tier, model), this::costCounter) : null;
        boolean rateLimited = ErrorCode.RATE_LIMITED.code().equals(labels.errorCode());
        return new Meters(requests, duration, firstByte,
                served ? tokens(tier, model, "prompt") : null,
                served ? tokens(tier, model, "completion") : null,
                served ? tokens(tier, model, "cached") : null,
                cost,
                !rateLimited ? null : Counter.builder("loopgate.rate.limited")
                        .description("Calls refused with 429 by an RPM or TPM limit")
                        .tags(Tags.of("endpoint", endpoint, "tier", tier))
                        .register(registry));
    }

    private LongAdder costCounter(TierModel labels) {
        LongAdder nanos = new LongAdder();
        FunctionCounter.builder("loopgate.cost.usd", nanos, adder -> adder.sum() / NANOS_PER_USD)
                .description("What served calls cost, in USD at the configured prices")
                .tags(Tags.of("tier", labels.tier(), "model", labels.model()))
                .register(registry);
        return nanos;
    }

    private Counter tokens(String tier, String model, String type) {
        return Counter.builder("loopgate.tokens")
                .description("Tokens of served calls: prompt, completion, and cached (a part of prompt)")
                .tags(Tags.of("tier", tier, "model", model, "type", type))
                .register(registry);
    }

    private static String orNone(String value) {
        return value == null ? NONE : value;
    }
}
