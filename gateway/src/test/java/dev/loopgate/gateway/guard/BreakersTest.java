package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every breaker pauses its loop on cue — not before — and the loop stays paused (403
 * {@code loop_paused}) until an admin resumes it with a reason; the webhook hears both.
 * Each call costs exactly $0.01 (100 output tokens at $100 per million; input is free).
 */
class BreakersTest {
    static final String FAIL_MARKER = "please fail upstream";
    /** One provider and one model at $100 per million output tokens: a call of 100 output tokens costs $0.01. */
    static final String METERED = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
            models:
              metered: { provider: primary, name: metered-1, input: 0, output: 100.0 }
            tiers: { mid: [metered] }
            rules: []
            """;
    static final AtomicInteger DISTINCT = new AtomicInteger();

    static Vertx vertx;
    static HttpServer webhook;
    static final ConcurrentLinkedQueue<JsonNode> NOTIFIED = new ConcurrentLinkedQueue<>();
    static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        webhook = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            NOTIFIED.add(Fixtures.parse(body.toString()));
            request.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        gateway = GatewayHarness.started(METERED + """
                budgets:
                  default: { usd: 10 }
                  loops:
                    "hard-*": { usd: 0.02 }
                    "steps-*": { steps: 2 }
                    "clock-*": { wall_clock: 300ms }
                breakers:
                  spend_rate: { usd_per_minute: 0.025 }
                  repeat: { same_request: 3, window: 10m }
                  upstream_failures: { consecutive: 2 }
                  notify: { webhook: "http://127.0.0.1:%d/hook" }
                """.formatted(webhook.actualPort()) + GatewayHarness.KEYS, "primary");
        gateway.upstream("primary").answer(exactCost());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    /** Usage as reserved (100 tokens out), or a 503 for calls that ask for a failure. */
    static UpstreamAnswer exactCost() {
        TokenEstimator tokens = new TokenEstimator();
        return (vertx, request, received) -> {
            if (received.body().contains(FAIL_MARKER)) {
                request.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end("{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
                return;
            }
            long prompt = tokens.chatPromptTokens(received.json());
            request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("""
                    {"id":"c","object":"chat.completion","created":1,"model":"metered-1",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":%d,"completion_tokens":100,"total_tokens":%d}}""".formatted(prompt, prompt + 100));
        };
    }

    @Test
    void spendingTheWholeBudgetPausesTheLoopUntilResumed() {
        String loop = "hard-1";
        assertEquals(200, call(loop).status());
        assertEquals(200, call(loop).status());

        assertPausedBy(loop, "hard_budget");
        assertEquals("paused", status(loop).path("state").asText());
        assertResumable(loop, false);
    }

    @Test
    void spendingFasterThanTheRateLimitPausesTheLoop() {
        String loop = "rate-1";
        assertEquals(200, call(loop).status());
        assertEquals(200, call(loop).status());
        assertEquals(200, call(loop).status());

        assertPausedBy(loop, "spend_rate");
    }

    @Test
    void theSameRequestRepeatedPausesTheLoopAsNoProgress() {
        String loop = "stuck-1";
        String same = chat("Fix the failing test.");
        assertEquals(200, gateway.post("/v1/chat/completions", same).loop(loop).send().status());
        assertEquals(200, gateway.post("/v1/chat/completions", same).loop(loop).send().status());

        GatewayResponse third = gateway.post("/v1/chat/completions", same).loop(loop).send();

        assertEquals(403, third.status(), third::toString);
        assertEquals("loop_paused", third.json().path("error").path("code").asText());
        assertTrue(third.json().path("error").path("message").asText().contains("no_progress"), third::toString);
        assertNotified(loop, "no_progress");
    }

    @Test
    void theStepCapPausesTheLoop() {
        String loop = "steps-1";
        assertEquals(200, call(loop).status());
        assertEquals(200, call(loop).status());

        assertPausedBy(loop, "step_cap");
    }

    @Test
    void theWallClockCapPausesTheLoop() throws InterruptedException {
        String loop = "clock-1";
        assertEquals(200, call(loop).status());
        Thread.sleep(400);

        assertPausedBy(loop, "wall_clock");
    }

    @Test
    void consecutiveUpstreamFailuresPauseTheLoop() {
        String loop = "flaky-1";
        String failing = chat(FAIL_MARKER + " " + DISTINCT.incrementAndGet());
        assertEquals(502, gateway.post("/v1/chat/completions", failing).loop(loop).send().status());
        assertEquals(502, gateway.post("/v1/chat/completions", chat(FAIL_MARKER + " again")).loop(loop).send().status());

        assertPausedBy(loop, "upstream_failures");
    }

    @Test
    void anAdminPausesAndResumesByHandAndOnlyWithAReason() {
        String loop = "manual-1";
        GatewayResponse paused = admin(HttpMethod.POST, "/admin/loops/" + loop + "/pause", "{\"reason\":\"looks odd\"}");
        assertEquals(200, paused.status(), paused::toString);
        assertEquals("paused", paused.json().path("state").asText());
        assertEquals(403, call(loop).status());

        assertEquals(403, gateway.request(HttpMethod.POST, "/admin/loops/" + loop + "/resume").body("{\"reason\":\"x\"}")
                .send().status(), "a loop key cannot resume a loop");
        assertResumable(loop, true);
    }

    private static void assertPausedBy(String loop, String breaker) {
        GatewayResponse refused = call(loop);
        assertEquals(403, refused.status(), refused::toString);
        assertEquals("loop_paused", refused.json().path("error").path("code").asText());
        assertTrue(refused.json().path("error").path("message").asText().contains(breaker), refused::toString);
        assertEquals(403, call(loop).status(), "the loop stays paused");
        assertNotified(loop, breaker);
    }

    /** A reason is required; once resumed the loop calls again and its history shows the trip and the resume. */
    private static void assertResumable(String loop, boolean loopMayCallAfter) {
        GatewayResponse noReason = admin(HttpMethod.POST, "/admin/loops/" + loop + "/resume", "{}");
        assertEquals(400, noReason.status(), noReason::toString);

        GatewayResponse resumed = admin(HttpMethod.POST, "/admin/loops/" + loop + "/resume",
                "{\"reason\":\"checked the logs, carry on\"}");

        assertEquals(200, resumed.status(), resumed::toString);
        assertEquals("active", resumed.json().path("state").asText());
        JsonNode history = resumed.json().path("history");
        assertEquals("resume", history.get(0).path("event").asText());
        assertEquals("checked the logs, carry on", history.get(0).path("reason").asText());
        assertEquals("ops", history.get(0).path("by").asText());
        assertTrue(history.size() >= 2, history::toString);
        assertTrue(Poll.until(Poll.WAIT, () -> NOTIFIED.stream().anyMatch(event -> event.path("event").asText()
                .equals("loop_resumed") && event.path("loop_id").asText().equals(loop))), "the webhook hears of the resume");
        if (loopMayCallAfter) {
            assertEquals(200, call(loop).status());
        }
    }

    private static void assertNotified(String loop, String breaker) {
        assertTrue(Poll.until(Poll.WAIT, () -> NOTIFIED.stream().anyMatch(event -> event.path("event").asText()
                .equals("loop_paused") && event.path("loop_id").asText().equals(loop)
                && event.path("breaker").asText().equals(breaker))),
                "the webhook hears that " + loop + " was paused by " + breaker);
    }

    private static GatewayResponse call(String loop) {
        return gateway.post("/v1/chat/completions", chat("step " + DISTINCT.incrementAndGet())).loop(loop).send();
    }

    private static String chat(String content) {
        return "{\"model\":\"auto\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    private static JsonNode status(String loop) {
        return admin(HttpMethod.GET, "/admin/loops/" + loop, null).json();
    }

    private static GatewayResponse admin(HttpMethod method, String path, String body) {
        return gateway.request(method, path).key(GatewayHarness.ADMIN_KEY).body(body).send();
    }
}
