package dev.loopgate.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.PrometheusText;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /metrics} scraped over HTTP from a real gateway in front of a real upstream:
 * after calls of known tiers and outcomes the counts, token and cost sums under their labels
 * are exact (each test compares a scrape before with one after its calls), and nothing in
 * the output names a loop.
 */
class MetricsEndpointTest {
    static final String CHAT_PATH = "/v1/chat/completions";
    static final String CHAT = """
            {"model":"auto","messages":[{"role":"user","content":"Plan the billing refactor."}]}""";
    static final String STREAM = """
            {"model":"auto","stream":true,"messages":[{"role":"user","content":"Why do loops converge?"}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD + """
            budgets:
              default: { usd: 10 }
              loops:
                "broke-*": { usd: 0.000001 }
                "slow-*": { rpm: 1 }
                "steps-*": { steps: 1 }
              keys:
                build-bot: { usd_per_day: 0.000001 }
            """, "primary");

    @Test
    void scrapeIsPrometheusTextAndNeedsNoKeyByDefault() {
        GatewayResponse response = gateway.request(HttpMethod.GET, "/metrics").noKey().send();

        assertEquals(200, response.status(), response::toString);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.header("content-type"));
        PrometheusText text = PrometheusText.parse(response.body());
        assertAll(
                () -> assertEquals("counter", text.type("loopgate_budget_refusals_total").orElse(null)),
                () -> assertEquals("counter", text.type("loopgate_breaker_trips_total").orElse(null)),
                () -> assertEquals("gauge", text.type("loopgate_calls_in_flight").orElse(null)),
                () -> assertEquals("counter", text.type("loopgate_requests_total").orElse(null)),
                () -> assertEquals("histogram", text.type("loopgate_request_duration_seconds").orElse(null)),
                () -> assertTrue(text.find("loopgate_budget_refusals_total", "reason", "key_cap_exceeded").isPresent(),
                        "every refusal reason is there from the start, at 0 until it happens"),
                () -> assertFalse(text.named("jvm_memory_used_bytes").isEmpty(), "JVM memory"),
                () -> assertFalse(text.named("jvm_threads_live_threads").isEmpty(), "JVM threads"),
                () -> assertFalse(text.named("jvm_gc_memory_allocated_bytes_total").isEmpty(), "JVM GC"),
                () -> assertFalse(text.named("process_uptime_seconds").isEmpty(), "process uptime"),
                () -> assertFalse(text.named("process_cpu_usage").isEmpty(), "process CPU"),
                () -> assertFalse(text.named("netty_allocator_memory_used").isEmpty(), "Netty allocator"));
    }

    @Test
    void servedCallsAreCountedByTheirLabelsWithTheirTokensAndCost() {
        PrometheusText before = scrape();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, awaitRecorded(gateway.post(CHAT_PATH, CHAT)).status());
        }
        CallRecord streamed = awaitRecorded(gateway.post(CHAT_PATH, STREAM));
        assertEquals(200, streamed.status());
        PrometheusText after = scrape();

        Usage chat = Fixtures.usageOf(Fixtures.json(Fixtures.CHAT));
        Usage stream = Fixtures.streamUsage();
        BigDecimal cost = cost(chat).multiply(BigDecimal.valueOf(3)).add(cost(stream));
        assertAll(
                () -> assertEquals(3, delta(before, after, "loopgate_requests_total", served("false"))),
                () -> assertEquals(1, delta(before, after, "loopgate_requests_total", served("true"))),
                () -> assertEquals(3 * chat.promptTokens() + stream.promptTokens(),
                        delta(before, after, "loopgate_tokens_total", "tier", "mid", "model", "small", "type", "prompt")),
                () -> assertEquals(3 * chat.completionTokens() + stream.completionTokens(),
                        delta(before, after, "loopgate_tokens_total", "tier", "mid", "model", "small", "type", "completion")),
                () -> assertEquals(3 * chat.cachedPromptTokens() + stream.cachedPromptTokens(),
                        delta(before, after, "loopgate_tokens_total", "tier", "mid", "model", "small", "type", "cached")),
                () -> assertEquals(0, cost.compareTo(usd(delta(before, after, "loopgate_cost_usd_total",
                        "tier", "mid", "model", "small"))), "cost " + cost),
                () -> assertEquals(3, delta(before, after, "loopgate_request_duration_seconds_count", "endpoint",
                        "chat_completions", "tier", "mid", "model", "small", "stream", "false", "status_class", "2xx")),
                () -> assertEquals(3, delta(before, after, "loopgate_request_duration_seconds_bucket", "endpoint",
                        "chat_completions", "tier", "mid", "model", "small", "stream", "false", "status_class", "2xx",
                        "le", "+Inf")),
                () -> assertEquals(1, delta(before, after, "loopgate_upstream_first_byte_seconds_count",
                        "provider", "primary", "model", "small", "stream", "true")));
    }

    @Test
    void durationBucketsRunFromHalfAMillisecondToAMinute() {
        awaitRecorded(gateway.post(CHAT_PATH, CHAT));
        List<Double> bounds = scrape().named("loopgate_request_duration_seconds_bucket").stream()
                .filter(s -> s.labels().get("stream").equals("false") && s.labels().get("status_class").equals("2xx")
                        && s.labels().get("model").equals("small"))
                .map(s -> s.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY
                        : Double.parseDouble(s.labels().get("le")))
                .toList();
        assertEquals(List.of(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                20.0, 30.0, 60.0, Double.POSITIVE_INFINITY), bounds);
    }

    @Test
    void budgetRefusalsAreCountedByReason() {
        PrometheusText before = scrape();
        assertEquals(402, awaitRecorded(gateway.post(CHAT_PATH, CHAT).loop("broke-1")).status());
        assertEquals(402, awaitRecorded(gateway.post(CHAT_PATH, CHAT).key(GatewayHarness.BUILD_KEY).loop("build-1"))
                .status());
        PrometheusText after = scrape();

        assertAll(
                () -> assertEquals(1, delta(before, after, "loopgate_budget_refusals_total", "reason", "budget_exceeded")),
                () -> assertEquals(1, delta(before, after, "loopgate_budget_refusals_total", "reason", "key_cap_exceeded")),
                () -> assertEquals(0, delta(before, after, "loopgate_budget_refusals_total", "reason", "loop_paused")),
                () -> assertEquals(2, delta(before, after, "loopgate_requests_total", refused("402", "budget_exceeded"))));
    }

    @Test
    void rateLimitedCallsAreCounted() {
        PrometheusText before = scrape();
        assertEquals(200, awaitRecorded(gateway.post(CHAT_PATH, CHAT).loop("slow-1")).status());
        assertEquals(429, awaitRecorded(gateway.post(CHAT_PATH, CHAT).loop("slow-1")).status());
        PrometheusText after = scrape();

        assertAll(
                () -> assertEquals(1, delta(before, after, "loopgate_rate_limited_total",
                        "endpoint", "chat_completions", "tier", "mid")),
                () -> assertEquals(1, delta(before, after, "loopgate_requests_total", refused("429", "rate_limited"))),
                () -> assertEquals(1, delta(before, after, "loopgate_requests_total", served("false"))));
    }

    @Test
    void breakerTripsAreCountedByBreakerAndThePausedLoopsCallsAsRefusals() {
        PrometheusText before = scrape();
        assertEquals(200, awaitRecorded(gateway.post(CHAT_PATH, CHAT).loop("steps-1")).status());
        // The step cap trips as the second call is reserved; the third is refused by its reservation too
        // (these rules read no loop facts, so nothing reads the ledger before routing).
        assertEquals(403, awaitRecorded(gateway.post(CHAT_PATH, CHAT).loop("steps-1")).status());
        assertEquals(403, awaitRecorded(gateway.post(CHAT_PATH, CHAT).loop("steps-1")).status());
        PrometheusText after = scrape();

        assertAll(
                () -> assertEquals(1, delta(before, after, "loopgate_breaker_trips_total", "breaker", "step_cap")),
                () -> assertEquals(0, delta(before, after, "loopgate_breaker_trips_total", "breaker", "hard_budget")),
                () -> assertEquals(2, delta(before, after, "loopgate_budget_refusals_total", "reason", "loop_paused")),
                () -> assertEquals(2, delta(before, after, "loopgate_requests_total", refused("403", "loop_paused"))));
    }

    @Test
    void callsInFlightAreCountedUntilAnsweredStreamsApart() {
        TestUpstream upstream = gateway.upstream("primary");
        upstream.answer(UpstreamAnswer.hang());
        StreamingCall stream = gateway.post(CHAT_PATH, STREAM).openWithoutWaiting();
        StreamingCall whole = gateway.post(CHAT_PATH, CHAT).openWithoutWaiting();
        upstream.awaitRequests(2);

        PrometheusText waiting = scrape();
        assertEquals(1, waiting.value("loopgate_calls_in_flight", "stream", "true"));
        assertEquals(1, waiting.value("loopgate_calls_in_flight", "stream", "false"));

        stream.disconnect();
        whole.disconnect();
        assertTrue(Poll.until(Poll.WAIT, () -> {
            PrometheusText now = scrape();
            return now.value("loopgate_calls_in_flight", "stream", "true") == 0
                    && now.value("loopgate_calls_in_flight", "stream", "false") == 0;
        }), "calls left by their clients are no longer in flight");
    }

    @Test
    void stateGaugesShowTheBudgetStoreTheRulesVersionAndTheAuditBacklog() {
        CallRecord call = awaitRecorded(gateway.post(CHAT_PATH, CHAT));
        PrometheusText text = scrape();

        assertAll(
                () -> assertEquals(1, text.value("loopgate_budget_store_state", "state", "up")),
                () -> assertEquals(0, text.value("loopgate_budget_store_state", "state", "down")),
                () -> assertEquals(0, text.value("loopgate_budget_store_state", "state", "local_slice")),
                () -> assertEquals(call.rulesVersion(), text.value("loopgate_rules_version")),
                () -> assertTrue(text.value("loopgate_audit_queue_entries") >= 0),
                () -> assertEquals(0, text.value("loopgate_audit_spool_entries")),
                () -> assertEquals(0, text.value("loopgate_audit_dropped_total")));
    }

    @Test
    void noLoopRunKeyOrRequestIdAppearsInTheScrape() {
        GatewayRequest request = gateway.post(CHAT_PATH, CHAT).loop("secret-loop-5150")
                .header("X-Loop-Run", "secret-run-8086").header("X-Loop-Step", "4242")
                .header("X-Loop-Role", "secret-role");
        awaitRecorded(request);
        awaitRecorded(gateway.post(CHAT_PATH, CHAT).loop("broke-secret-7777"));
        String body = gateway.request(HttpMethod.GET, "/metrics").noKey().send().body();

        Set<String> forbiddenLabels = Set.of("loop", "loop_id", "run", "step", "role", "key", "request_id");
        List<String> secrets = List.of("secret-loop-5150", "secret-run-8086", "secret-role", "broke-secret-7777",
                request.requestId(), "any-loop", GatewayHarness.LOOP_KEY);
        for (PrometheusText.Sample sample : PrometheusText.parse(body).samples()) {
            assertTrue(sample.labels().keySet().stream().noneMatch(forbiddenLabels::contains), sample::toString);
            assertFalse(sample.labels().containsValue("4242"), sample::toString);
        }
        for (String secret : secrets) {
            assertFalse(body.contains(secret), secret + " appears in the scrape");
        }
    }

    /** Sends the call and waits until it is recorded: the metrics count it before the harness's sink sees it. */
    static CallRecord awaitRecorded(GatewayRequest request) {
        request.send();
        return gateway.sink().await(request.requestId());
    }

    static PrometheusText scrape() {
        GatewayResponse response = gateway.request(HttpMethod.GET, "/metrics").noKey().send();
        assertEquals(200, response.status(), response::toString);
        return PrometheusText.parse(response.body());
    }

    static double delta(PrometheusText before, PrometheusText after, String name, String... labels) {
        return after.value(name, labels) - before.valueOrZero(name, labels);
    }

    static String[] served(String stream) {
        return new String[] {"endpoint", "chat_completions", "tier", "mid", "model", "small", "provider", "primary",
            "status", "200", "error_code", "none", "stream", stream};
    }

    static String[] refused(String status, String errorCode) {
        return new String[] {"endpoint", "chat_completions", "tier", "mid", "model", "none", "provider", "none",
            "status", status, "error_code", errorCode, "stream", "false"};
    }

    static BigDecimal cost(Usage usage) {
        return Fixtures.costUsd(usage, GatewayHarness.SMALL_INPUT, GatewayHarness.SMALL_CACHED_INPUT,
                GatewayHarness.SMALL_OUTPUT);
    }

    /** A scraped USD sum at the nano-dollar the gateway counts in (the text carries a double). */
    static BigDecimal usd(double value) {
        return BigDecimal.valueOf(value).setScale(9, RoundingMode.HALF_EVEN);
    }
}
