package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.LocalRedisServer;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's Redis dies mid-run: with the default policy (deny) every call gets the
 * documented 503 {@code budget_store_unavailable} and nothing else, {@code /readyz} says so,
 * and service comes back by itself when Redis does.
 */
class RedisOutageTest {
    static final String CHAT = """
            {"model":"small","messages":[{"role":"user","content":"Next step?"}]}""";
    static final Duration RECOVERY = Duration.ofSeconds(45);

    static LocalRedisServer redis;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedisServer.started();
        gateway = GatewayHarness.started(GatewayHarness.STANDARD.replace("rules: []\n",
                "rules: []\nredis: { url: \"" + redis.url() + "\", namespace: outage }\n"), "primary");
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void callsAreRefusedWithTheDocumented503WhileRedisIsDownAndRecoverAfter() throws Exception {
        assertEquals(200, call().status());
        assertEquals(200, gateway.request(HttpMethod.GET, "/readyz").send().status());

        redis.kill();

        for (int i = 0; i < 5; i++) {
            GatewayResponse refused = call();
            assertEquals(503, refused.status(), refused::toString);
            assertEquals("budget_store_unavailable", refused.json().path("error").path("code").asText());
        }
        GatewayResponse ready = gateway.request(HttpMethod.GET, "/readyz").send();
        assertEquals(503, ready.status());
        assertEquals("down", ready.json().path("budget_store").asText());

        redis.restart();

        assertTrue(Poll.until(RECOVERY, () -> {
            GatewayResponse response = call();
            assertTrue(List.of(200, 503).contains(response.status()), response::toString);
            return response.status() == 200;
        }), "calls must succeed again once Redis is back");
        assertEquals(200, gateway.request(HttpMethod.GET, "/readyz").send().status());
    }

    private static GatewayResponse call() {
        return gateway.post("/v1/chat/completions", CHAT).loop("outage-loop").send();
    }



}
