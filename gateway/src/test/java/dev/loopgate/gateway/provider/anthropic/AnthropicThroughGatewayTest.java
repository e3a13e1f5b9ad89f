package dev.loopgate.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.TestUpstream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An OpenAI client calling the gateway, which calls a real HTTP server answering like
 * Anthropic: what the client gets, what the provider receives, and what the call is charged.
 */
class AnthropicThroughGatewayTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              claude: { type: anthropic, base_url: "${CLAUDE_URL}", api_key: "${CLAUDE_API_KEY}" }
              backup: { type: openai, base_url: "${BACKUP_URL}", api_key: "${BACKUP_API_KEY}" }
            models:
              sonnet: { provider: claude, name: claude-sonnet-4-5-20250929, input: 3.0, output: 15.0,
                        cache_read: 0.3, cache_write: 3.75, max_output_tokens: 2048 }
              mini:   { provider: backup, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6 }
            tiers:
              mid: [sonnet]
              resilient: [sonnet, mini]
            default_tier: mid
            rules: []
            """ + GatewayHarness.KEYS;
    static final String CHAT = """
            {"model":"sonnet","messages":[{"role":"system","content":"You fix failing tests."},
              {"role":"user","content":"Why does test_total fail?"}]}""";
    static final String TOOLS = """
            ,"tools":[{"type":"function","function":{"name":"run_tests","parameters":{"type":"object"}}},
                      {"type":"function","function":{"name":"read_file","parameters":{"type":"object"}}}]""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "claude", "backup");
    static TestUpstream claude;
    static TestUpstream backup;

    @BeforeAll
    static void findUpstreams() {
        claude = gateway.upstream("claude");
        backup = gateway.upstream("backup");
    }

    @BeforeEach
    void answerLikeAnthropic() {
        gateway.resetUpstreams();
        claude.answer(AnthropicFixtures.recorded(AnthropicFixtures.TEXT, AnthropicFixtures.STREAM_TEXT));
    }

    @Test
    void chatIsAnsweredInOpenAisFormatAndChargedWithCacheReadsAndWrites() {
        GatewayRequest request = gateway.post("/v1/chat/completions", CHAT);

        GatewayResponse response = request.send();

        assertEquals(200, response.status(), response::toString);
        assertEquals("application/json", response.header("content-type"));
        JsonNode completion = response.json();
        assertEquals("chat.completion", completion.path("object").asText());
        assertEquals(AnthropicFixtures.json(AnthropicFixtures.TEXT).path("content").path(0).path("text").asText(),
                completion.path("choices").path(0).path("message").path("content").asText());
        // 412 input at $3/M + 1,024 cache writes at $3.75/M + 2,048 cache reads at $0.30/M + 58 output at $15/M
        BigDecimal expected = usd("412", "3.0").add(usd("1024", "3.75")).add(usd("2048", "0.3")).add(usd("58", "15.0"));
        assertEquals(0, expected.compareTo(new BigDecimal(response.header("x-loopgate-cost-usd"))),
                "charged " + response.header("x-loopgate-cost-usd") + ", expected " + expected);
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(new Usage(3484, 58, 2048, 1024), record.usage());
        assertEquals(0, expected.compareTo(BigDecimal.valueOf(record.costNanos(), 9)));
        assertEquals("claude", record.provider());
        JsonNode sent = claude.onlyRequest().json();
        assertEquals("claude-sonnet-4-5-20250929", sent.path("model").asText());
        assertEquals(2048, sent.path("max_tokens").asInt(), "without max_tokens the model's max_output_tokens is sent");
        assertEquals("You fix failing tests.", sent.path("system").path(0).path("text").asText());
        assertEquals(GatewayHarness.apiKeyOf("claude"), claude.onlyRequest().header("x-api-key"));
        assertFalse(claude.onlyRequest().headers().contains("authorization"), "the loop key never goes upstream");
    }

    @Test
    void toolUseAnswerReachesTheClientAsToolCalls() {
        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TOOL_USE, null));

        GatewayResponse response = gateway.post("/v1/chat/completions", CHAT.replace("]}", "]" + TOOLS + "}")).send();

        JsonNode choice = response.json().path("choices").path(0);
        assertEquals("tool_calls", choice.path("finish_reason").asText(), response::toString);
        assertEquals(List.of("run_tests", "read_file"), choice.path("message").path("tool_calls").findValuesAsText("name"));
        assertEquals(2, claude.onlyRequest().json().path("tools").size());
    }

    @Test
    void streamReachesTheClientAsChunksEndingWithDoneAndItsUsageIsChargedButNotShown() {
        GatewayRequest request = gateway.post("/v1/chat/completions", stream(""));

        GatewayResponse response = request.send();

        assertEquals(200, response.status(), response::toString);
        assertTrue(response.header("content-type").startsWith("text/event-stream"), response::toString);
        List<String> payloads = response.dataPayloads();
        assertEquals("[DONE]", payloads.get(payloads.size() - 1));
        assertEquals("Loops converge when each step shrinks the error — ½ at a time.", content(payloads));
        assertFalse(response.body().contains("\"usage\""), "the client did not ask for usage");
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.COMPLETED, record.streamEnd());
        assertEquals(new Usage(3168, 17, 3072, 0), record.usage());
        BigDecimal expected = usd("96", "3.0").add(usd("3072", "0.3")).add(usd("17", "15.0"));
        assertEquals(0, expected.compareTo(BigDecimal.valueOf(record.costNanos(), 9)));
    }

    @Test
    void streamGivesTheUsageChunkToAClientThatAsksForIt() {
        GatewayResponse response = gateway.post("/v1/chat/completions",
                stream(",\"stream_options\":{\"include_usage\":true}")).send();

        List<String> payloads = response.dataPayloads();
        JsonNode usage = Fixtures.parse(payloads.get(payloads.size() - 2)).path("usage");
        assertEquals(3168, usage.path("prompt_tokens").asLong(), response::toString);
        assertEquals(3072, usage.path("prompt_tokens_details").path("cached_tokens").asLong());
        assertFalse(claude.onlyRequest().json().has("stream_options"), "Anthropic always reports usage; not sent");
    }

    @ParameterizedTest(name = "written in pieces of {0} bytes")
    @ValueSource(ints = {3, 17})
    void streamedToolCallsSplitAcrossWritesAssembleOnTheClient(int bytes) {
        claude.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_TOOL_USE, bytes));

        GatewayResponse response = gateway.post("/v1/chat/completions", stream(TOOLS)).send();

        List<String> payloads = response.dataPayloads();
        assertEquals("[DONE]", payloads.get(payloads.size() - 1), response::toString);
        Map<Integer, String> arguments = new TreeMap<>();
        for (String payload : payloads.subList(0, payloads.size() - 1)) {
            for (JsonNode call : Fixtures.parse(payload).path("choices").path(0).path("delta").path("tool_calls")) {
                arguments.merge(call.path("index").asInt(), call.path("function").path("arguments").asText(),
                        String::concat);
            }
        }
        assertEquals(Fixtures.parse("{\"path\":\"billing/tests\",\"verbose\":true}"), Fixtures.parse(arguments.get(0)));
        assertEquals(Fixtures.parse("{\"path\":\"billing/invoice.py\"}"), Fixtures.parse(arguments.get(1)));
    }

    @Test
    void errorEventMidStreamEndsTheClientStreamWithAnErrorEventAndNoDone() {
        claude.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_ERROR, Integer.MAX_VALUE));
        GatewayRequest request = gateway.post("/v1/chat/completions", stream(""));

        GatewayResponse response = request.send();

        List<String> payloads = response.dataPayloads();
        assertFalse(payloads.contains("[DONE]"), response::toString);
        assertEquals("Loops converge when", content(payloads.subList(0, payloads.size() - 1)));
        assertEquals("upstream_error", Fixtures.parse(payloads.get(payloads.size() - 1)).path("error").path("code")
                .asText(), response::toString);
        assertEquals(StreamEnd.UPSTREAM_FAILED, gateway.sink().await(request.requestId()).streamEnd());
    }

    @Test
    void streamOverloadedBeforeAnyContentFallsBackToTheNextTarget() {
        claude.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_OVERLOADED, Integer.MAX_VALUE));

        GatewayResponse response = gateway.post("/v1/chat/completions", stream("").replace("sonnet", "resilient"))
                .send();

        assertEquals(200, response.status(), response::toString);
        assertEquals("mini", response.header("x-loopgate-model"));
        assertEquals(Fixtures.streamContent(), content(response.dataPayloads()));
        assertEquals(1, claude.received().size());
    }

    @Test
    void overloadedBeforeAnyContentOnTheOnlyTargetIsAnUpstreamErrorNotAStream() {
        claude.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_OVERLOADED, Integer.MAX_VALUE));

        GatewayResponse response = gateway.post("/v1/chat/completions", stream("")).send();

        assertEquals(502, response.status(), response::toString);
        assertEquals("upstream_error", response.json().path("error").path("code").asText());
    }

    @Test
    void streamEndingBeforeMessageStopIsACut() {
        claude.answer(AnthropicFixtures.streamWithoutStop(AnthropicFixtures.STREAM_TEXT));
        GatewayRequest request = gateway.post("/v1/chat/completions", stream(""));

        GatewayResponse response = request.send();

        assertFalse(response.dataPayloads().contains("[DONE]"), response::toString);
        assertEquals(StreamEnd.UPSTREAM_FAILED, gateway.sink().await(request.requestId()).streamEnd());
    }

    @Test
    void anthropicsBadRequestIsPassedToTheClientInOpenAisShape() {
        claude.answer(AnthropicFixtures.answer(400, AnthropicFixtures.ERROR_400, null));

        GatewayResponse response = gateway.post("/v1/chat/completions", CHAT).send();

        assertEquals(400, response.status(), response::toString);
        assertEquals(Fixtures.parse("""
                {"error":{"message":"temperature: range: 0..1","type":"invalid_request_error",
                          "code":"invalid_request_error","param":null}}"""), response.json());
    }

    @Test
    void anthropicRefusingTheGatewaysKeyIsAnUpstreamErrorThatDoesNotLeakIt() {
        claude.answer(AnthropicFixtures.answer(401, AnthropicFixtures.ERROR_401, null));

        GatewayResponse response = gateway.post("/v1/chat/completions", CHAT).send();

        assertEquals(502, response.status(), response::toString);
        assertEquals("upstream_error", response.json().path("error").path("code").asText());
        assertFalse(response.body().contains(GatewayHarness.apiKeyOf("claude")));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {429, 529})
    void rateLimitedOrOverloadedAnthropicFallsBackToTheNextTarget(int status) {
        claude.answer(AnthropicFixtures.answer(status, status == 429 ? AnthropicFixtures.ERROR_429
                : AnthropicFixtures.ERROR_529, "7"));

        GatewayResponse response = gateway.post("/v1/chat/completions", CHAT.replace("sonnet", "resilient")).send();

        assertEquals(200, response.status(), response::toString);
        assertEquals("mini", response.header("x-loopgate-model"));
        assertEquals(Fixtures.json(Fixtures.CHAT), response.json());
        // A Retry-After of 7 s is over max_retry_after (5 s): no wait, the next target. An overload
        // (a 5xx) is retried once on the same target first (retry.max_attempts 2).
        assertEquals(status == 429 ? 1 : 2, claude.received().size());
    }

    @Test
    void rateLimitedAnthropicAsTheOnlyTargetIsAnUpstreamError() {
        claude.answer(AnthropicFixtures.answer(429, AnthropicFixtures.ERROR_429, "7"));

        GatewayResponse response = gateway.post("/v1/chat/completions", CHAT).send();

        assertEquals(502, response.status(), response::toString);
        assertTrue(response.json().path("error").path("message").asText().contains("HTTP 429"), response::toString);
    }

    @Test
    void aRequestAnthropicCannotServeIsA400AndReachesNoProvider() {
        GatewayResponse response = gateway.post("/v1/chat/completions", """
                {"model":"resilient","n":2,"messages":[{"role":"user","content":"Two takes."}]}""").send();

        assertEquals(400, response.status(), response::toString);
        assertEquals("invalid_request", response.json().path("error").path("code").asText());
        assertEquals("n", response.json().path("error").path("param").asText());
        assertEquals(List.of(), claude.received());
        assertEquals(List.of(), backup.received(), "a refusal of the call itself is not a target failure");
    }

    @Test
    void embeddingsOnAnAnthropicModelAreA400() {
        GatewayResponse response = gateway.post("/v1/embeddings",
                "{\"model\":\"sonnet\",\"input\":\"billing refactor\"}").send();

        assertEquals(400, response.status(), response::toString);
        assertEquals("invalid_request", response.json().path("error").path("code").asText());
        assertEquals(List.of(), claude.received());
    }

    private static String stream(String moreFields) {
        return "{\"model\":\"sonnet\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"Why do loops converge?\"}]" + moreFields + "}";
    }

    private static String content(List<String> payloads) {
        StringBuilder text = new StringBuilder();
        for (String payload : payloads) {
            if (!payload.equals("[DONE]")) {
                Fixtures.parse(payload).path("choices").forEach(c -> text.append(c.path("delta").path("content").asText("")));
            }
        }
        return text.toString();
    }

    /** {@code tokens} at {@code pricePerMillion} USD per million tokens, exactly. */
    private static BigDecimal usd(String tokens, String pricePerMillion) {
        return new BigDecimal(tokens).multiply(new BigDecimal(pricePerMillion))
                .divide(BigDecimal.valueOf(1_000_000), 12, RoundingMode.UNNECESSARY);
    }
}
