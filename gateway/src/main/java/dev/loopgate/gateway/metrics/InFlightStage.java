package dev.loopgate.gateway.metrics;

import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.pipeline.Exchange;
import dev.loopgate.gateway.pipeline.Stage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the calls between being parsed and being answered, streams apart: a stream counts
 * until its last byte is relayed (or it is cut), so {@code stream="true"} is the streams open
 * now, waiting for their upstream included. Calls refused before parsing (no key, bad JSON) take
 * microseconds and are not counted.
 */
final class InFlightStage implements Stage {
    private final LongAdder calls = new LongAdder();
    private final LongAdder streams = new LongAdder();

    InFlightStage(MeterRegistry registry) {
        gauge(registry, calls, "false");
        gauge(registry, streams, "true");
    }

    private static void gauge(MeterRegistry registry, LongAdder count, String stream) {
        Gauge.builder("loopgate.calls.in.flight", count, LongAdder::sum)
                .description("Calls parsed and not yet answered (streams: not yet ended)")
                .tag("stream", stream)
                .strongReference(true)
                .register(registry);
    }

    @Override
    public Future<Reply> apply(Exchange exchange, Chain next) {
        LongAdder count = exchange.request().stream() ? streams : calls;
        count.increment();
        return next.proceed(exchange).andThen(done -> count.decrement());
    }
}
