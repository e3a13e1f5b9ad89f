package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.PrometheusText;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The worst case reserved covers every way a call can bill, on the real Redis ledger, against
 * an upstream that bills as a provider does: every one of {@code n} choices, each up to the
 * caller's cap, or up to the provider's own (larger) default when the caller sent none.
 */
class OverspendTest {
    /** What the upstream writes per choice when nothing caps it: more than the model's configured cap. */
    static final int PROVIDER_DEFAULT_OUTPUT = 4000;
    static final int MODEL_CAP = 1000;
    static final String NAMESPACE = "test-overspend-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    /** $100 per million output tokens: 100 tokens cost $0.01. */
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            redis: { url: "redis://127.0.0.1:6379", namespace: %s }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
            models:
              pricey: { provider: primary, name: pricey-1, input: 0, output: 100.0, max_output_tokens: %d }
            tiers: { mid: [pricey] }
            rules: []
            budgets:
              default: { usd: 0.01 }
              loops:
                "roomy-*": { usd: 0.15 }
                "shared-*": { usd: 0.25 }
            """.formatted(NAMESPACE, MODEL_CAP) + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "primary");

    /** Bills n x (the caller's cap, or the provider's default), as OpenAI does. */
    static UpstreamAnswer billsEveryChoice() {
        TokenEstimator tokens = new TokenEstimator();
        return (vertx, request, received) -> {
            JsonNode body = received.json();
            int choices = Math.max(1, body.path("n").asInt(1));
            long perChoice = body.hasNonNull("max_completion_tokens") ? body.get("max_completion_tokens").asLong()
                    : body.hasNonNull("max_tokens") ? body.get("max_tokens").asLong() : PROVIDER_DEFAULT_OUTPUT;
            long prompt = tokens.chatPromptTokens(body);
            long completion = choices * perChoice;
            StringBuilder answers = new StringBuilder();
            for (int i = 0; i < choices; i++) {
                answers.append(i == 0 ? "" : ",").append("{\"index\":").append(i)
                        .append(",\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"length\"}");
            }
            request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("""
                    {"id":"c","object":"chat.completion","created":1,"model":"pricey-1","choices":[%s],
                     "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                    .formatted(answers, prompt, completion, prompt + completion));
        };
    }

    @BeforeEach
    void billing() {
        gateway.upstream("primary").answer(billsEveryChoice());
    }

    static String loop(String prefix) {
        return prefix + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }

    static BigDecimal spent(String loop) {
        JsonNode status = gateway.request(HttpMethod.GET, "/admin/loops/" + loop).key(GatewayHarness.ADMIN_KEY).send().json();
        return new BigDecimal(status.path("spent_usd").asText("0"));
    }

    @Test
    void overspendThroughTheRequest_nChoicesAreReservedForEachOne() {
        String loop = loop("n-");
        GatewayResponse response = gateway.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":100,"n":100,"messages":[{"role":"user","content":"go"}]}""")
                .loop(loop).send();
        assertEquals(402, response.status(), response.body());
        assertEquals("budget_exceeded", response.json().path("error").path("code").asText());
        assertTrue(gateway.upstream("primary").received().isEmpty(), "nothing was sent that the budget could not pay");
        assertEquals(0, spent(loop).signum());
    }

    @Test
    void overspendThroughTheRequest_withoutACapTheGatewaySendsTheOneItReservedFor() {
        String loop = loop("roomy-");
        GatewayResponse response = gateway.post("/v1/chat/completions", """
                {"model":"auto","messages":[{"role":"user","content":"go"}]}""").loop(loop).send();
        assertEquals(200, response.status(), response.body());
        ReceivedRequest sent = gateway.upstream("primary").onlyRequest();
        assertEquals(MODEL_CAP, sent.json().path("max_completion_tokens").asInt(), sent.json().toString());
        // 1000 tokens at $100/M: $0.10 of a $0.15 budget, where the provider's default would have cost $0.40
        assertEquals(0, new BigDecimal("0.10").compareTo(spent(loop)), "charged " + spent(loop));
    }

    @Test
    void overspendThroughTheRequest_callsAtOnceNeverPassTheBudget() throws Exception {
        String loop = loop("shared-");
        List<CompletableFuture<GatewayResponse>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> gateway.post("/v1/chat/completions", """
                    {"model":"auto","max_tokens":100,"n":5,"messages":[{"role":"user","content":"go"}]}""")
                    .loop(loop).send()));
        }
        int allowed = 0;
        for (CompletableFuture<GatewayResponse> call : calls) {
            GatewayResponse response = call.get();
            // refused with 402, or 403 once the budget is spent and its breaker has paused the loop
            assertTrue(response.status() == 200 || response.status() == 402 || response.status() == 403,
                    response.toString());
            allowed += response.status() == 200 ? 1 : 0;
        }
        // each call bills 5 x 100 tokens = $0.05: five fit in $0.25, and no more
        assertEquals(5, allowed);
        assertEquals(0, new BigDecimal("0.25").compareTo(spent(loop)), "charged " + spent(loop));
    }

    @Test
    void overspendThroughTheRequest_anAnswerBillingPastItsReservationIsChargedInFullFlaggedAndPausesTheLoop()
            throws Exception {
        // a provider that ignores the cap it was sent and writes its own default
        gateway.upstream("primary").answer((vertx, request, received) -> request.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("""
                        {"id":"c","object":"chat.completion","created":1,"model":"pricey-1",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":0,"completion_tokens":%d,"total_tokens":%d}}"""
                        .formatted(PROVIDER_DEFAULT_OUTPUT, PROVIDER_DEFAULT_OUTPUT)));
        String loop = loop("roomy-");
        GatewayResponse response = gateway.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":100,"messages":[{"role":"user","content":"go"}]}""").loop(loop)
                .header("X-Request-Id", loop).send();
        assertEquals(200, response.status(), response.body());

        // 4000 tokens at $100/M: $0.40 charged although $0.01 was reserved, past the $0.15 budget
        assertEquals(0, new BigDecimal("0.40").compareTo(spent(loop)), "charged " + spent(loop));
        String detail = Poll.forValue(Poll.WAIT, () -> auditDetail(loop), "the call's audit row");
        assertEquals("{\"overrun\":{\"reserved_usd\":\"0.01\",\"charged_usd\":\"0.4\"}}", detail);
        GatewayResponse status = gateway.request(HttpMethod.GET, "/admin/loops/" + loop).key(GatewayHarness.ADMIN_KEY)
                .send();
        assertEquals(1, status.json().path("overruns").asLong(), "the loop's status flags it: " + status.body());
        GatewayResponse next = gateway.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":1,"messages":[{"role":"user","content":"go"}]}""").loop(loop).send();
        assertEquals(403, next.status(), next.body());
        assertEquals("loop_paused", next.json().path("error").path("code").asText());
        assertTrue(Poll.until(Poll.WAIT, () -> PrometheusText.parse(gateway.request(HttpMethod.GET, "/metrics").noKey()
                .send().body()).value("loopgate_budget_overruns_total") == 1), "the overrun is counted once");
    }

    private static Optional<String> auditDetail(String requestId) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + gateway.auditDb());
                PreparedStatement query = db.prepareStatement("SELECT detail FROM audit_log WHERE request_id = ?")) {
            query.setString(1, requestId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty(); // the writer may hold the file a moment
        }
    }

    @Test
    void overspendThroughTheRequest_tooManyChoicesIsA400NamingTheField() {
        GatewayResponse response = gateway.post("/v1/chat/completions", """
                {"model":"auto","max_tokens":1,"n":129,"messages":[{"role":"user","content":"go"}]}""")
                .loop(loop("many-")).send();
        assertEquals(400, response.status(), response.body());
        assertEquals("n", response.json().path("error").path("param").asText());
    }
}
