package dev.loopgate.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counts clients the gateway cut off before their call ran, by why; {@code /metrics} shows them. */
final class ClientRefusals {
    private static final String NAME = "loopgate.client.refusals";

    private final Counter connectionsPerAddress;
    private final Counter headTimeouts;
    private final Counter bodyTimeouts;
    private final Counter bodiesInFlight;

    ClientRefusals(MeterRegistry registry) {
        connectionsPerAddress = counter(registry, "connections_per_address");
        headTimeouts = counter(registry, "header_timeout");
        bodyTimeouts = counter(registry, "body_timeout");
        bodiesInFlight = counter(registry, "inflight_body_bytes");
    }

    private static Counter counter(MeterRegistry registry, String reason) {
        return Counter.builder(NAME)
                .description("Connections closed or requests refused before their call ran, by reason")
                .tag("reason", reason)
                .register(registry);
    }

    void tooManyConnections() {
        connectionsPerAddress.increment();
    }

    void headTimedOut() {
        headTimeouts.increment();
    }

    void bodyTimedOut() {
        bodyTimeouts.increment();
    }

    void tooManyBodyBytes() {
        bodiesInFlight.increment();
    }
}
