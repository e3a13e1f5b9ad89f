package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.testkit.TestRedis;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * 200 calls at once against a $0.50 budget, through one gateway and through two sharing
 * Redis: never a cent over, and no call refused while the budget could still pay for it.
 */
class BudgetConcurrencyTest {
    static final int CALLS = 200;
    static final BigDecimal BUDGET = new BigDecimal("0.50");
    /** Output at $100 per million tokens and max_tokens 100: each call costs just over $0.01. */
    static final String CHAT = """
            {"model":"auto","max_tokens":100,"messages":[{"role":"user","content":"Next step of the plan?"}]}""";
    static final String REDIS_URL = "redis://127.0.0.1:6379";
    static final String NAMESPACE = "test-budget-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);

    static String config(String redis) {
        return """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
                models:
                  pricey: { provider: primary, name: pricey-1, input: 1.0, output: 100.0 }
                tiers: { mid: [pricey] }
                rules: []
                budgets:
                  default: { usd: 0.50 }
                """ + redis + GatewayHarness.KEYS;
    }

    /** The provider reports exactly the worst case the gateway reserved: prompt as estimated, max_tokens generated. */
    static UpstreamAnswer slowExactUsage() {
        TokenEstimator tokens = new TokenEstimator();
        return (vertx, request, received) -> vertx.setTimer(200, id -> {
            JsonNode body = received.json();
            long prompt = tokens.chatPromptTokens(body);
            long completion = body.path("max_tokens").asLong();
            request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("""
                    {"id":"c","object":"chat.completion","created":1,"model":"pricey-1",
                     "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                    .formatted(prompt, completion, prompt + completion));
        });
    }

    static GatewayHarness local;
    static GatewayHarness first;
    static GatewayHarness second;

    @BeforeAll
    static void start() {
        local = GatewayHarness.started(config(""), "primary");
        String redis = "redis: { url: \"" + REDIS_URL + "\", namespace: " + NAMESPACE + " }\n";
        first = GatewayHarness.started(config(redis), "primary");
        second = GatewayHarness.started(config(redis), "primary");
        for (GatewayHarness gateway : List.of(local, first, second)) {
            gateway.upstream("primary").answer(slowExactUsage());
        }
    }

    @AfterAll
    static void stop() {
        for (GatewayHarness gateway : new GatewayHarness[] {local, first, second}) {
            if (gateway != null) {
                gateway.close();
            }
        }
        TestRedis.single().deleteNamespace(NAMESPACE);
    }

    @Test
    void oneGatewayNeverSpendsPastTheBudget() throws Exception {
        assertBudgetHolds("one-gateway", List.of(local));
    }

    @Test
    void twoGatewaysSharingRedisNeverSpendPastTheBudget() throws Exception {
        assertBudgetHolds("two-gateways", List.of(first, second));
    }

    private static void assertBudgetHolds(String loop, List<GatewayHarness> gateways) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            GatewayHarness gateway = gateways.get(i % gateways.size());
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + GatewayHarness.LOOP_KEY)
                    .header("Content-Type", "application/json")
                    .header("X-Loop-Id", loop)
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT))
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        BigDecimal charged = BigDecimal.ZERO;
        BigDecimal oneCall = null;
        int served = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get();
            if (response.statusCode() == 200) {
                served++;
                oneCall = new BigDecimal(response.headers().firstValue("x-loopgate-cost-usd").orElseThrow());
                charged = charged.add(oneCall);
            } else {
                assertEquals(402, response.statusCode(), response::body);
                assertEquals("budget_exceeded", Fixtures.parse(response.body()).path("error").path("code").asText());
            }
        }
        assertTrue(served > 0, "no call was served");
        assertTrue(charged.compareTo(BUDGET) <= 0, "charged " + charged + " over the budget " + BUDGET);
        assertTrue(BUDGET.subtract(charged).compareTo(oneCall) < 0,
                "calls were refused while " + BUDGET.subtract(charged) + " remained, enough for one at " + oneCall);
        JsonNode status = gateways.get(0).request(HttpMethod.GET, "/admin/loops/" + loop)
                .key(GatewayHarness.ADMIN_KEY).send().json();
        assertEquals(0, charged.compareTo(new BigDecimal(status.path("spent_usd").asText())), status::toString);
        assertEquals(0, new BigDecimal(status.path("reserved_usd").asText()).signum(), status::toString);
    }
}
