package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.testkit.LocalRedisServer;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.http.HttpMethod;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redis restarted without persistence comes back with no ledger. Through the real gateway,
 * with a real Redis process and an upstream that bills as a provider does: the loop's spend
 * is rebuilt from the audit store before it is served again, so it cannot spend its budget
 * a second time; a paused loop stays paused and an admin's budget override stays set.
 */
class LedgerRebuildTest {
    /** $100 per million output tokens: a call capped at 200 tokens costs (and reserves) $0.02. */
    static final String CALL = """
            {"model":"pricey","max_tokens":200,"messages":[{"role":"user","content":"Next step?"}]}""";
    static final Duration RECOVERY = Duration.ofSeconds(45);

    static LocalRedisServer redis;
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        redis = LocalRedisServer.started();
        gateway = GatewayHarness.started("""
                server: { host: 127.0.0.1, port: 0 }
                redis: { url: "%s", namespace: rebuild }
                providers:
                  primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
                models:
                  pricey: { provider: primary, name: pricey-1, input: 0, output: 100.0, max_output_tokens: 1000 }
                tiers: { mid: [pricey] }
                rules: []
                budgets:
                  default: { usd: 0.10 }
                """.formatted(redis.url()) + GatewayHarness.KEYS, "primary");
        gateway.upstream("primary").answer(OverspendTest.billsEveryChoice());
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
    void aLedgerLostWithRedisIsRebuiltFromTheAuditBeforeTheLoopSpendsAgain() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, call("rebuilt-loop").status());
        }
        assertEquals(200, admin(HttpMethod.POST, "/admin/loops/paused-loop/pause", "{\"reason\":\"looks odd\"}").status());
        assertEquals(200, admin(HttpMethod.PUT, "/admin/loops/roomy-loop/budget", "{\"usd\":0.5}").status());
        assertEquals("0.06", loop("rebuilt-loop").path("spent_usd").asText());
        assertTrue(Poll.until(RECOVERY, () -> auditRows("kind = 'CALL'") == 3
                && auditRows("action IN ('loop.pause', 'loop.budget')") == 2),
                "the calls and admin actions reach the audit store");

        redis.kill();
        redis.restart();

        assertTrue(Poll.until(RECOVERY, () -> {
            GatewayResponse response = call("rebuilt-loop");
            if (response.status() == 503) {
                assertTrue(List.of("ledger_rebuilding", "budget_store_unavailable")
                        .contains(response.json().path("error").path("code").asText()), response::toString);
                assertEquals("1", response.header("retry-after"), response::toString);
                return false;
            }
            assertEquals(200, response.status(), response::toString);
            return true;
        }), "calls are served again once the ledger is rebuilt");
        assertEquals(200, call("rebuilt-loop").status(), "$0.06 spent + $0.02 + $0.02 fits the $0.10 budget");
        GatewayResponse refused = call("rebuilt-loop");
        assertEquals(403, refused.status(), "the spend from before the loss still counts: " + refused);
        assertTrue(refused.json().path("error").path("message").asText().contains("spent $0.1 of the $0.1 budget"),
                refused::toString);

        JsonNode rebuilt = loop("rebuilt-loop");
        assertEquals("0.1", rebuilt.path("spent_usd").asText());
        assertEquals(5, rebuilt.path("steps").asLong());
        assertTrue(rebuilt.path("history").toString().contains("\"event\":\"restore\""), rebuilt::toString);

        JsonNode paused = loop("paused-loop");
        assertEquals("paused", paused.path("state").asText(), "a loop paused before the loss stays paused");
        assertEquals("looks odd", paused.path("paused_by").path("reason").asText(), paused::toString);
        assertEquals(403, call("paused-loop").status());
        JsonNode roomy = loop("roomy-loop");
        assertEquals("0.5", roomy.path("budget").path("usd").asText(), roomy::toString);
        assertEquals("admin", roomy.path("budget").path("source").asText());

        assertTrue(Poll.until(RECOVERY, () -> auditRows("action = 'ledger.rebuild'") == 2),
                "the rebuild is audited once, as the ledger's creation on the empty Redis at start was");
    }

    private static GatewayResponse call(String loop) {
        return gateway.post("/v1/chat/completions", CALL).loop(loop).send();
    }

    private static JsonNode loop(String loop) {
        GatewayResponse response = gateway.request(HttpMethod.GET, "/admin/loops/" + loop).key(GatewayHarness.ADMIN_KEY)
                .send();
        assertEquals(200, response.status(), response::toString);
        return response.json();
    }

    private static GatewayResponse admin(HttpMethod method, String path, String body) {
        return gateway.request(method, path).key(GatewayHarness.ADMIN_KEY).body(body).send();
    }

    private static long auditRows(String where) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + gateway.auditDb());
                Statement statement = db.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM audit_log WHERE " + where)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }
}
