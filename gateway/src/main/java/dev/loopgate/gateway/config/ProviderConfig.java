package dev.loopgate.gateway.config;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * One upstream provider. {@code baseUrl} is absent only for the simulated type, which
 * the gateway serves itself. {@code headers} are added to every upstream call.
 * {@code retry} and {@code health} say when a failed call is tried again on this provider
 * and when its targets are skipped for a while (see {@code docs/failover.md}); {@code dialects}
 * which other dialects it speaks and how it takes them.
 */
public record ProviderConfig(
        String name,
        ProviderType type,
        Optional<URI> baseUrl,
        Optional<Secret> apiKey,
        Map<String, String> headers,
        Timeouts timeouts,
        int maxConnections,
        SimulatedOptions simulated,
        RetryConfig retry,
        HealthConfig health,
        DialectOptions dialects) {
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    public ProviderConfig(String name, ProviderType type, Optional<URI> baseUrl, Optional<Secret> apiKey,
            Map<String, String> headers, Timeouts timeouts, int maxConnections, SimulatedOptions simulated,
            RetryConfig retry, HealthConfig health) {
        this(name, type, baseUrl, apiKey, headers, timeouts, maxConnections, simulated, retry, health,
                DialectOptions.DEFAULTS);
    }

    public ProviderConfig {
        headers = Map.copyOf(headers);
    }
}
