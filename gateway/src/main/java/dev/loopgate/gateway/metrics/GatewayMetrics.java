package dev.loopgate.gateway.metrics;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.Trip;
import dev.loopgate.gateway.call.CallSink;
import dev.loopgate.gateway.pipeline.Stage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The metrics of one gateway, in one Prometheus registry: every finished call
 * ({@link #calls()}), calls in flight ({@link #inFlight()}), breaker trips ({@link #tripped}),
 * the state of what the gateway depends on ({@link StateGauges}), and JVM, process and Netty
 * basics. {@link #scrape()} renders them as Prometheus text for {@code GET /metrics}.
 *
 * <p>Nothing here is labelled by loop, run, step, key or request: those are unbounded (a loop
 * per CI job), and one series per loop would grow the registry and every scrape without end.
 * Per-loop figures are what the audit store and {@code /reports} are for.
 *
 * <p>To add meters later (provider health, say), write a {@link MeterBinder} whose gauges read a
 * snapshot supplier and {@link #bind} it where the gateway starts; nothing here needs to change.
 */
public final class GatewayMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    private final CallMetrics calls;
    private final InFlightStage inFlight;
    private final Map<Breaker, Counter> trips = new EnumMap<>(Breaker.class);
    /** Kept so that what their meters read (Micrometer holds some weakly) lives as long as the registry. */
    private final List<MeterBinder> bound = new CopyOnWriteArrayList<>();

    private GatewayMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.calls = new CallMetrics(registry);
        this.inFlight = new InFlightStage(registry);
        for (Breaker breaker : Breaker.values()) {
            if (breaker != Breaker.MANUAL) {
                trips.put(breaker, Counter.builder("loopgate.breaker.trips")
                        .description("Loops paused by a breaker, by breaker (admin pauses are not counted)")
                        .tag("breaker", breaker.name().toLowerCase(Locale.ROOT))
                        .register(registry));
            }
        }
        new JvmMemoryMetrics().bindTo(registry);
        this.gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // Vert.x takes its pooled buffers from Netty's default allocator.
        if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider allocator) {
            new NettyAllocatorMetrics(allocator).bindTo(registry);
        }
    }

    /** A registry of its own with the JVM, process and Netty meters bound. Close it with the gateway. */
    public static GatewayMetrics create() {
        return new GatewayMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** Counts every finished call; feed it from where the audit sink is fed. */
    public CallSink calls() {
        return calls;
    }

    /** Counts calls (and streams) in flight; goes right after the request is parsed. */
    public Stage inFlight() {
        return inFlight;
    }

    /** A breaker paused a loop. */
    public void tripped(Trip trip) {
        Counter counter = trips.get(trip.breaker());
        if (counter != null) {
            counter.increment();
        }
    }

    /** Adds meters, e.g. {@link StateGauges} or a provider health binder. */
    public void bind(MeterBinder binder) {
        bound.add(binder);
        binder.bindTo(registry);
    }

    /** The registry itself, for what a {@link MeterBinder} cannot express. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format (version 0.0.4); may take a few ms, so not on an event loop. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
