package dev.loopgate.gateway.metrics;

import dev.loopgate.gateway.audit.writer.AuditWriter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The state of what the gateway depends on, read when scraped: the audit writer's backlog,
 * the budget store (as {@code /readyz} reports it) and the routing rules version in use.
 *
 * @param audit what the audit writer holds and has done
 * @param budgetStoreReachable whether the last call to the budget store got an answer
 * @param localSlice whether calls are served from local budget slices (Redis down, allow policy)
 * @param rulesVersion the routing rules version calls are routed by now
 */
public record StateGauges(Supplier<AuditWriter.Stats> audit, BooleanSupplier budgetStoreReachable,
        BooleanSupplier localSlice, LongSupplier rulesVersion) implements MeterBinder {

    /** The values of the {@code state} label, as {@code /readyz} names them. */
    static final String UP = "up";
    static final String DOWN = "down";
    static final String LOCAL_SLICE = "local_slice";

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("loopgate.audit.queue.entries", () -> audit.get().queued())
                .description("Audit entries in memory, neither in the store nor in the spool yet")
                .register(registry);
        Gauge.builder("loopgate.audit.spool.entries", () -> audit.get().spoolPending())
                .description("Audit entries in the local spool, waiting for the store")
                .register(registry);
        FunctionCounter.builder("loopgate.audit.dropped", this, gauges -> gauges.audit.get().dropped())
                .description("Audit entries lost because neither the store nor the spool took them")
                .register(registry);
        for (String state : new String[] {UP, DOWN, LOCAL_SLICE}) {
            Gauge.builder("loopgate.budget.store.state", () -> state.equals(budgetStoreState()) ? 1 : 0)
                    .description("1 for the budget store's current state (up, down, local_slice), else 0")
                    .tag("state", state)
                    .register(registry);
        }
        Gauge.builder("loopgate.rules.version", rulesVersion::getAsLong)
                .description("The routing rules version calls are routed by")
                .register(registry);
    }

    String budgetStoreState() {
        return !budgetStoreReachable.getAsBoolean() ? DOWN : localSlice.getAsBoolean() ? LOCAL_SLICE : UP;
    }
}
