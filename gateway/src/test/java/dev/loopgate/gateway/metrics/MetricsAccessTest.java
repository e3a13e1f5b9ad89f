package dev.loopgate.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.PrometheusText;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

/** {@code server.metrics}: with {@code require_key} only a finance or admin key scrapes; disabled, there is no endpoint. */
class MetricsAccessTest {
    static final String STANDARD_SERVER = "server: { host: 127.0.0.1, port: 0, max_body_bytes: 1024 }";

    @Test
    void withRequireKeyOnlyAFinanceOrAdminKeyMayScrape() {
        try (GatewayHarness gateway = GatewayHarness.started(withServer(
                "server: { host: 127.0.0.1, port: 0, metrics: { require_key: true } }"), "primary")) {
            GatewayResponse anonymous = scrape(gateway).noKey().send();
            assertEquals(401, anonymous.status(), anonymous::toString);
            assertEquals("invalid_api_key", anonymous.json().path("error").path("code").asText());

            GatewayResponse loop = scrape(gateway).send();
            assertEquals(403, loop.status(), loop::toString);
            assertEquals("forbidden", loop.json().path("error").path("code").asText());

            for (String key : new String[] {GatewayHarness.FINANCE_KEY, GatewayHarness.ADMIN_KEY}) {
                GatewayResponse allowed = scrape(gateway).key(key).send();
                assertEquals(200, allowed.status(), allowed::toString);
                assertFalse(PrometheusText.parse(allowed.body()).named("loopgate_calls_in_flight").isEmpty());
            }
        }
    }

    @Test
    void disabledMetricsHaveNoEndpoint() {
        try (GatewayHarness gateway = GatewayHarness.started(withServer(
                "server: { host: 127.0.0.1, port: 0, metrics: { enabled: false } }"), "primary")) {
            GatewayResponse response = scrape(gateway).key(GatewayHarness.ADMIN_KEY).send();

            assertEquals(404, response.status(), response::toString);
            assertEquals(200, gateway.post("/v1/chat/completions", """
                    {"model":"auto","messages":[{"role":"user","content":"Still serving?"}]}""").send().status(),
                    "calls are served and counted as ever");
        }
    }

    /** The standard config with another {@code server:} line. */
    private static String withServer(String server) {
        if (!GatewayHarness.STANDARD.contains(STANDARD_SERVER)) {
            throw new IllegalStateException("the standard config's server line changed");
        }
        return GatewayHarness.STANDARD.replace(STANDARD_SERVER, server);
    }

    private static GatewayRequest scrape(GatewayHarness gateway) {
        return gateway.request(HttpMethod.GET, "/metrics");
    }
}
