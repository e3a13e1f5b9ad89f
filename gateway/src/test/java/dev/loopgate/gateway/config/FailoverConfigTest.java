package dev.loopgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code retry:} and {@code health:}: defaults, the top-level section, and a provider's own values field by field. */
class FailoverConfigTest {
    static final String PROVIDERS = """
            providers:
              plain:  { type: simulated }
              tuned:  { type: simulated, retry: { max_attempts: 4 }, health: { min_calls: 3, cool_down: 1m } }
            models:
              small: { provider: plain, name: s, input: 1, output: 1 }
            tiers: { mid: [small] }
            keys: [{ name: ops, role: admin, key: ops-key-0123456789abcdef }]
            """;

    @Test
    void withoutSectionsEveryProviderGetsTheDefaults() {
        GatewayConfig config = ConfigLoader.parse(PROVIDERS, Map.of());

        assertEquals(RetryConfig.DEFAULTS, config.providers().get("plain").retry());
        assertEquals(HealthConfig.DEFAULTS, config.providers().get("plain").health());
        assertEquals(RetryConfig.DEFAULT_MAX_TOTAL_ATTEMPTS, config.maxTotalAttempts());
        assertEquals(new RetryConfig(4, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5)),
                config.providers().get("tuned").retry());
    }

    @Test
    void aProviderOverridesTheTopLevelSectionFieldByField() {
        GatewayConfig config = ConfigLoader.parse(PROVIDERS + """
                retry: { base_delay: 50ms, max_retry_after: 10s, max_total_attempts: 4 }
                health: { window: 1m, min_calls: 20, error_rate: 0.25 }
                """, Map.of());

        assertEquals(new RetryConfig(2, Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                config.providers().get("plain").retry());
        assertEquals(new RetryConfig(4, Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ofSeconds(10)),
                config.providers().get("tuned").retry());
        assertEquals(new HealthConfig(Duration.ofMinutes(1), 20, 0.25, Duration.ofSeconds(15)),
                config.providers().get("plain").health());
        assertEquals(new HealthConfig(Duration.ofMinutes(1), 3, 0.25, Duration.ofMinutes(1)),
                config.providers().get("tuned").health());
        assertEquals(4, config.maxTotalAttempts());
    }
}
