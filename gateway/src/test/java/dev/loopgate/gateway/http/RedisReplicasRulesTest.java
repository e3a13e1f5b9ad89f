package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.testkit.TestRedis;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two gateways sharing the real Redis act as replicas: a rules change on one is applied by the other at once. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisReplicasRulesTest {
    static final String REDIS_URL = "redis://127.0.0.1:6379";
    static final String NAMESPACE = "test-replicas-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    static final String CONFIG = GatewayHarness.STANDARD.replace("rules: []\n",
            "rules: [ { id: seeded, route: mid } ]\nredis: { url: \"" + REDIS_URL + "\", namespace: " + NAMESPACE + " }\n");
    static final String CHAT = """
            {"model":"auto","messages":[{"role":"user","content":"Next step?"}]}""";
    /** The bound the contract sets for a change to reach every replica. */
    static final Duration PROPAGATION = Duration.ofSeconds(1);

    @RegisterExtension
    static final GatewayHarness first = GatewayHarness.perClass(CONFIG, "primary");
    @RegisterExtension
    static final GatewayHarness second = GatewayHarness.perClass(CONFIG, "primary");

    @AfterAll
    static void deleteKeys() {
        TestRedis.single().deleteNamespace(NAMESPACE);
    }

    @Test
    @Order(1)
    void bothReplicasStartOnTheSameSeededVersion() {
        GatewayResponse a = first.post("/v1/chat/completions", CHAT).send();
        GatewayResponse b = second.post("/v1/chat/completions", CHAT).send();

        assertEquals("seeded", a.header("x-loopgate-rule"));
        assertEquals(a.header("x-loopgate-rules-version"), b.header("x-loopgate-rules-version"));
    }

    @Test
    void aPutOnOneReplicaIsAppliedByTheOtherWithinOneSecond() {
        GatewayResponse put = first.request(HttpMethod.PUT, "/admin/rules").key(GatewayHarness.ADMIN_KEY)
                .body("- { id: from-first, route: frontier }").send();
        assertEquals(200, put.status(), put::toString);
        long deadline = System.nanoTime() + PROPAGATION.toNanos();

        GatewayResponse seen;
        do {
            seen = second.post("/v1/chat/completions", CHAT).send();
        } while (!"from-first".equals(seen.header("x-loopgate-rule")) && System.nanoTime() < deadline);

        assertEquals("from-first", seen.header("x-loopgate-rule"), "not applied by the second replica within 1 s");
        assertEquals("frontier", seen.header("x-loopgate-tier"));
    }

    @Test
    void aReplicaStartedLaterLoadsTheCurrentVersionNotItsConfigFile() {
        GatewayResponse put = second.request(HttpMethod.PUT, "/admin/rules").key(GatewayHarness.ADMIN_KEY)
                .body("- { id: before-the-third, route: light }").send();
        assertEquals(200, put.status(), put::toString);

        try (GatewayHarness third = GatewayHarness.started(CONFIG, "primary")) {
            GatewayResponse call = third.post("/v1/chat/completions", CHAT).send();

            assertEquals("before-the-third", call.header("x-loopgate-rule"));
            assertTrue(Long.parseLong(call.header("x-loopgate-rules-version")) > 1);
        }
    }
}
