package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.LocalRedisServer;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code on_redis_down: allow}: while Redis is down a replica spends only its local slice of
 * each budget (10% here), then refuses with 402; when Redis returns, what was spent meanwhile
 * is charged to the loop in Redis, exactly. Each call costs $0.01 against a $1 budget.
 */
class RedisOutageAllowTest {
    static final String LOOP = "allow-loop";
    static final Duration RECOVERY = Duration.ofSeconds(45);

    @TempDir
    static Path dir;
    static LocalRedisServer redis;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedisServer.persistent(dir);
        gateway = GatewayHarness.started(BreakersTest.METERED + """
                redis: { url: "%s", namespace: allow }
                budgets:
                  default: { usd: 1.0 }
                  on_redis_down: allow
                  local_slice: 0.1
                """.formatted(redis.url()) + GatewayHarness.KEYS, "primary");
        gateway.upstream("primary").answer(BreakersTest.exactCost());
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
    void aReplicaSpendsItsSliceWhileRedisIsDownAndTheSpendReachesRedisAfter() throws Exception {
        assertEquals(200, call().status());
        assertEquals(200, call().status());

        redis.kill();

        for (int i = 0; i < 10; i++) {
            GatewayResponse served = call();
            assertEquals(200, served.status(), "call " + i + " within the slice: " + served);
        }
        GatewayResponse refused = call();
        assertEquals(402, refused.status(), refused::toString);
        assertEquals("budget_exceeded", refused.json().path("error").path("code").asText());
        GatewayResponse ready = gateway.request(HttpMethod.GET, "/readyz").send();
        assertEquals(200, ready.status(), ready::toString);
        assertEquals("local_slice", ready.json().path("budget_store").asText());

        redis.restart();

        BigDecimal expected = new BigDecimal("0.12");
        assertTrue(Poll.until(RECOVERY, () -> {
            GatewayResponse status = gateway.request(HttpMethod.GET, "/admin/loops/" + LOOP)
                    .key(GatewayHarness.ADMIN_KEY).send();
            return status.status() == 200
                    && expected.compareTo(new BigDecimal(status.json().path("spent_usd").asText())) == 0;
        }), "the 2 calls before and the 10 during the outage must all be charged in Redis, once");
        assertEquals(200, call().status());
    }

    private static GatewayResponse call() {
        return gateway.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":100,"messages":[{"role":"user","content":"step %d"}]}"""
                .formatted(System.nanoTime())).loop(LOOP).send();
    }



}
