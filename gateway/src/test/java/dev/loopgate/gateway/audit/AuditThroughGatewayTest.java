package dev.loopgate.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Money;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 20,000 calls through the gateway leave exactly 20,000 audit rows, and the spend report's
 * totals equal the sum of per-call costs this test works out itself from the usage its
 * upstream reported. The chain verifies.
 */
class AuditThroughGatewayTest {
    static final int CALLS = 20_000;
    static final int IN_FLIGHT = 64;
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
            models:
              metered: { provider: primary, name: metered-1, input: 1.0, output: 2.0 }
            tiers: { mid: [metered] }
            rules: []
            """ + GatewayHarness.KEYS;

    /** The usage the upstream reports for call {@code n}: varied, so the totals mean something. */
    static long promptTokens(int n) {
        return 10 + n % 97;
    }

    static long completionTokens(int n) {
        return 3 + n % 31;
    }

    @Test
    void everyCallIsOneRowAndTheReportAddsUpToTheCentFraction() throws Exception {
        long expectedNanos = 0;
        long expectedPrompt = 0;
        for (int n = 0; n < CALLS; n++) {
            // $1 per million input tokens = 1,000 nano-dollars a token; $2 per million output = 2,000.
            expectedNanos += promptTokens(n) * 1_000 + completionTokens(n) * 2_000;
            expectedPrompt += promptTokens(n);
        }
        try (GatewayHarness gateway = GatewayHarness.started(CONFIG, "primary")) {
            gateway.upstream("primary").answer((vertx, request, received) -> {
                int n = Integer.parseInt(received.json().path("messages").path(0).path("content").asText());
                request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("""
                        {"id":"c%d","object":"chat.completion","created":1,"model":"metered-1",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                        .formatted(n, promptTokens(n), completionTokens(n), promptTokens(n) + completionTokens(n)));
            });
            sendAll(gateway);

            JsonNode totals = Poll.forValue(Poll.WAIT.multipliedBy(3), () -> {
                GatewayResponse report = gateway.request(HttpMethod.GET, "/reports/spend?group_by=loop")
                        .key(GatewayHarness.FINANCE_KEY).send();
                JsonNode node = report.json().path("totals");
                return node.path("calls").asLong() == CALLS ? Optional.of(node) : Optional.empty();
            }, "all " + CALLS + " calls in the spend report");
            assertEquals(0, Money.toUsd(expectedNanos).compareTo(new BigDecimal(totals.path("cost_usd").asText())),
                    "report says " + totals.path("cost_usd").asText() + ", calls cost " + Money.format(expectedNanos));
            assertEquals(expectedPrompt, totals.path("prompt_tokens").asLong());
            assertEquals(0, totals.path("errors").asLong());
            try (AuditStore store = AuditStores.open("jdbc:sqlite:" + gateway.auditDb(), "check")) {
                assertEquals(CALLS, store.count(), "exactly one row per call");
                assertTrue(store.verify().intact());
            }
        }
    }

    private static void sendAll(GatewayHarness gateway) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Semaphore slots = new Semaphore(IN_FLIGHT);
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<?>> calls = new ArrayList<>(CALLS);
        for (int n = 0; n < CALLS; n++) {
            slots.acquire();
            calls.add(client.sendAsync(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Authorization", "Bearer " + GatewayHarness.LOOP_KEY)
                            .header("Content-Type", "application/json")
                            .header("X-Loop-Id", "loop-" + n % 7)
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"" + n + "\"}]}"))
                            .build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        if (error != null || response.statusCode() != 200) {
                            failed.incrementAndGet();
                        }
                        slots.release();
                    }));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        assertEquals(0, failed.get(), "every call must succeed");
    }
}
