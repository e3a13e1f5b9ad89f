package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loopgate.budgets.testkit.LocalRedisServer;
import dev.loopgate.gateway.testing.GatewayHarness;
import org.junit.jupiter.api.Test;

/**
 * A gateway told to stop while its Redis is gone stops at once: nothing waits on a command
 * queued for a Redis that is not coming back (the rules store's unsubscribe used to, for 30 s,
 * ending in "did not stop cleanly: null").
 */
class StopWithRedisDownTest {
    static final String CHAT = """
            {"model":"small","messages":[{"role":"user","content":"Next step?"}]}""";

    @Test
    void sigtermWithRedisDown_theGatewayStopsWithinItsHarnessWait() throws Exception {
        try (LocalRedisServer redis = LocalRedisServer.started()) {
            GatewayHarness gateway = GatewayHarness.started(GatewayHarness.STANDARD.replace("rules: []\n",
                    "rules: []\nredis: { url: \"" + redis.url() + "\", namespace: stop-down }\n"), "primary");
            assertEquals(200, gateway.post("/v1/chat/completions", CHAT).send().status());
            redis.kill();
            assertEquals(503, gateway.post("/v1/chat/completions", CHAT).send().status());

            // the harness waits 10 s for the gateway to close and fails past that
            assertDoesNotThrow(gateway::close);
        }
    }
}
