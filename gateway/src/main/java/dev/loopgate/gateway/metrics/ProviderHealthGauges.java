package dev.loopgate.gateway.metrics;

import dev.loopgate.gateway.provider.health.BreakerState;
import dev.loopgate.gateway.provider.health.ProviderHealth;
import dev.loopgate.gateway.provider.health.TargetSnapshot;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Each target's health breaker, read when scraped: {@code loopgate_provider_breaker_state} is 1
 * for the state the breaker is in and 0 for the others (so an alert is
 * {@code loopgate_provider_breaker_state{state="open"} == 1}), and the error rate over its window.
 * Bound again after a config reload, which adds the new targets' gauges; a removed target's
 * read NaN until a restart.
 */
public record ProviderHealthGauges(ProviderHealth health) implements MeterBinder {
    @Override
    public void bindTo(MeterRegistry registry) {
        for (TargetSnapshot target : health.snapshot()) {
            String model = target.model();
            for (BreakerState state : BreakerState.values()) {
                Gauge.builder("loopgate.provider.breaker.state", () -> health.find(model)
                                .map(now -> now.state() == state ? 1.0 : 0.0).orElse(Double.NaN))
                        .description("1 for the state the target's health breaker is in, 0 for the others")
                        .tags("provider", target.provider(), "model", model, "state", state.wireName())
                        .register(registry);
            }
            Gauge.builder("loopgate.provider.error.rate", () -> health.find(model)
                            .map(TargetSnapshot::errorRate).orElse(Double.NaN))
                    .description("Share of the target's calls in the breaker's window that failed unhealthily")
                    .tags("provider", target.provider(), "model", model)
                    .register(registry);
        }
    }
}
