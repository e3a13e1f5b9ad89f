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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code on_redis_down: allow} with Redis down when the gateway starts: it starts, serves from
 * its local slices, and joins Redis once it is up: what it spent meanwhile is charged there, and
 * the parts that live in Redis (rules, keys) answer.
 */
class RedisDownAtStartTest {
    private static final String LOOP = "started-blind";
    private static final Duration RECOVERY = Duration.ofSeconds(45);

    @TempDir
    Path dir;

    @Test
    void aGatewayStartsWithRedisDownAndJoinsItWhenItIsBack() throws Exception {
        try (LocalRedisServer redis = LocalRedisServer.persistent(dir)) {
            redis.kill();
            try (GatewayHarness gateway = GatewayHarness.started(BreakersTest.METERED + """
                    redis: { url: "%s", namespace: blind }
                    budgets:
                      default: { usd: 1.0 }
                      on_redis_down: allow
                      local_slice: 0.1
                    """.formatted(redis.url()) + GatewayHarness.KEYS, "primary")) {
                gateway.upstream("primary").answer(BreakersTest.exactCost());
                for (int i = 0; i < 3; i++) {
                    GatewayResponse served = call(gateway);
                    assertEquals(200, served.status(), "served from the local slice: " + served);
                }

                redis.restart();

                BigDecimal expected = new BigDecimal("0.03");
                assertTrue(Poll.until(RECOVERY, () -> {
                    GatewayResponse status = gateway.request(HttpMethod.GET, "/admin/loops/" + LOOP)
                            .key(GatewayHarness.ADMIN_KEY).send();
                    return status.status() == 200
                            && expected.compareTo(new BigDecimal(status.json().path("spent_usd").asText())) == 0;
                }), "the calls made before Redis was up are charged there, once");
                assertEquals(200, call(gateway).status());
                assertTrue(Poll.until(RECOVERY, () -> gateway.request(HttpMethod.POST, "/admin/keys")
                        .key(GatewayHarness.ADMIN_KEY).body("{\"name\":\"late-bot\"}").send().status() == 201),
                        "keys made at run time are stored in Redis once it answers");
                assertTrue(Poll.until(RECOVERY, () -> gateway.request(HttpMethod.PUT, "/admin/rules")
                        .key(GatewayHarness.ADMIN_KEY).header("Content-Type", "application/json")
                        .body("{\"rules\":[{\"id\":\"all-mid\",\"route\":\"mid\"}]}").send().status() == 200),
                        "rules can be published once the store answers");
            }
        }
    }

    private static GatewayResponse call(GatewayHarness gateway) {
        return gateway.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":100,"messages":[{"role":"user","content":"step %d"}]}"""
                .formatted(System.nanoTime())).loop(LOOP).send();
    }
}
