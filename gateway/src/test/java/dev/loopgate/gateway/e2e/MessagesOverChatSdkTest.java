package dev.loopgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Model;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official Anthropic Java SDK against {@code /v1/messages} served by a provider that
 * speaks only chat completions: the call goes through the hub, translated to a chat completion
 * and its answer, tool calls and stream back into Messages, charged from the provider's usage.
 */
class MessagesOverChatSdkTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              gpt: { type: openai, base_url: "${GPT_URL}", api_key: "${GPT_API_KEY}" }
              careless: { type: openai, base_url: "${CARELESS_URL}", api_key: "${CARELESS_API_KEY}", drop_thinking: true }
            models:
              mini: { provider: gpt, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6, cached_input: 0.1 }
              loose: { provider: careless, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6 }
            tiers: { mid: [mini], light: [loose] }
            rules: []
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "gpt", "careless");
    static TestUpstream gpt;

    @BeforeAll
    static void upstream() {
        gpt = gateway.upstream("gpt");
    }

    @Test
    void aMessageIsTranslatedToAChatCompletionAndItsToolCallsBackToToolUseBlocks() {
        gpt.answer(UpstreamAnswer.json(200, Fixtures.CHAT_TOOL_CALLS));
        Message message = withClient("hub-tools", client -> client.messages().create(MessageCreateParams.builder()
                .model(Model.of("mini")).maxTokens(700).system("You fix billing code.")
                .addUserMessage("Run the tests.").build()));

        List<ToolUseBlock> calls = message.content().stream().filter(ContentBlock::isToolUse)
                .map(block -> block.toolUse().orElseThrow()).toList();
        assertEquals(List.of("run_tests", "read_file"), calls.stream().map(ToolUseBlock::name).toList());
        assertTrue(calls.get(0)._input().toString().contains("billing/tests"), calls.get(0)._input().toString());
        assertEquals(StopReason.TOOL_USE, message.stopReason().orElseThrow());
        assertEquals(214, message.usage().inputTokens());
        assertEquals(52, message.usage().outputTokens());

        JsonNode sent = gpt.onlyRequest().json();
        assertTrue(gpt.onlyRequest().path().endsWith("/chat/completions"), gpt.onlyRequest().path());
        assertEquals("gpt-4.1-mini-2025-04-14", sent.path("model").asText());
        assertEquals(700, sent.path("max_completion_tokens").asLong());
        assertEquals("system", sent.path("messages").path(0).path("role").asText());
        assertEquals("You fix billing code.", sent.path("messages").path(0).path("content").asText());
        assertEquals("user", sent.path("messages").path(1).path("role").asText());
        assertEquals("Run the tests.", sent.path("messages").path(1).path("content").asText());
        // 214 prompt tokens at $0.4 and 52 completion tokens at $1.6 per million
        assertEquals(0, new BigDecimal("0.0001688").compareTo(gateway.spentUsd("hub-tools")), "charged " + gateway.spentUsd("hub-tools"));
    }

    @Test
    void aToolRoundTripReachesTheProviderAsToolCallsAndToolMessages() {
        gpt.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        GatewayResponse response = gateway.post("/v1/messages", """
                {"model":"mini","max_tokens":300,"tools":[{"name":"run_tests","description":"Run tests",\
                "input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}],\
                "tool_choice":{"type":"auto","disable_parallel_tool_use":true},\
                "messages":[{"role":"user","content":"Run the tests."},\
                {"role":"assistant","content":[{"type":"text","text":"Running them."},\
                {"type":"tool_use","id":"toolu_1","name":"run_tests","input":{"path":"billing"}}]},\
                {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"2 failed"}]}]}""")
                .loop("hub-round-trip").send();
        assertEquals(200, response.status(), response.body());
        assertEquals("message", response.json().path("type").asText());
        assertEquals(Fixtures.chatContent(), response.json().path("content").path(0).path("text").asText());

        JsonNode sent = gpt.onlyRequest().json();
        JsonNode assistant = sent.path("messages").path(1);
        assertEquals("Running them.", assistant.path("content").asText());
        assertEquals("run_tests", assistant.path("tool_calls").path(0).path("function").path("name").asText());
        assertEquals("{\"path\":\"billing\"}", assistant.path("tool_calls").path(0).path("function").path("arguments")
                .asText());
        JsonNode result = sent.path("messages").path(2);
        assertEquals("tool", result.path("role").asText());
        assertEquals("toolu_1", result.path("tool_call_id").asText());
        assertEquals("2 failed", result.path("content").asText());
        assertEquals("run_tests", sent.path("tools").path(0).path("function").path("name").asText());
        assertEquals("auto", sent.path("tool_choice").asText());
        assertEquals(false, sent.path("parallel_tool_calls").asBoolean(true));
    }

    @Test
    void aChatStreamIsRelayedAsMessagesEventsTheSdkAccumulates() {
        gpt.answer(UpstreamAnswer.recorded());
        MessageAccumulator accumulator = MessageAccumulator.create();
        withClient("hub-stream", client -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
                    MessageCreateParams.builder().model(Model.of("mini")).maxTokens(256)
                            .addUserMessage("When do loops converge?").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            return null;
        });
        Message message = accumulator.message();
        assertEquals(Fixtures.streamContent(), message.content().get(0).text().orElseThrow().text());
        assertEquals(Fixtures.streamUsage().completionTokens(), message.usage().outputTokens());
        assertTrue(gpt.onlyRequest().json().path("stream_options").path("include_usage").asBoolean(),
                "usage is asked for, so the stream can be charged");
        Usage usage = Fixtures.streamUsage();
        // uncached prompt at $0.4, cached at $0.1, completion at $1.6 per million
        BigDecimal expected = new BigDecimal(usage.promptTokens() - usage.cachedPromptTokens())
                .multiply(new BigDecimal("0.0000004"))
                .add(new BigDecimal(usage.cachedPromptTokens()).multiply(new BigDecimal("0.0000001")))
                .add(new BigDecimal(usage.completionTokens()).multiply(new BigDecimal("0.0000016")));
        assertTrue(Poll.until(Poll.WAIT, () -> expected.compareTo(gateway.spentUsd("hub-stream")) == 0),
                "charged " + gateway.spentUsd("hub-stream") + ", expected " + expected);
    }

    @Test
    void aStreamedToolCallArrivesAsAToolUseBlockWithItsInput() {
        gpt.answer(UpstreamAnswer.sse(Fixtures.CHAT_STREAM_TOOL_CALLS));
        MessageAccumulator accumulator = MessageAccumulator.create();
        withClient("hub-stream-tools", client -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
                    MessageCreateParams.builder().model(Model.of("mini")).maxTokens(256)
                            .addUserMessage("Run the tests.").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            return null;
        });
        Message message = accumulator.message();
        ToolUseBlock first = message.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                .toolUse().orElseThrow();
        assertEquals("run_tests", first.name());
        assertTrue(first._input().toString().contains("path"), first._input().toString());
        assertEquals(StopReason.TOOL_USE, message.stopReason().orElseThrow());
        assertEquals(49, message.usage().outputTokens());
    }

    @Test
    void whatChatCannotSayIsA400NamingTheFieldUnlessTheProviderMayDropIt() {
        String thinking = """
                {"model":"%s","max_tokens":300,"thinking":{"type":"enabled","budget_tokens":1024},\
                "messages":[{"role":"user","content":"Think first."}]}""";
        GatewayResponse refused = gateway.post("/v1/messages", thinking.formatted("mini")).loop("hub-refused").send();
        assertEquals(400, refused.status(), refused.body());
        assertEquals("invalid_request_error", refused.json().path("error").path("type").asText());
        assertTrue(refused.json().path("error").path("message").asText().contains("'thinking'"), refused.body());
        assertEquals(List.of(), gpt.received(), "nothing reached the provider");

        TestUpstream careless = gateway.upstream("careless");
        careless.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        GatewayResponse dropped = gateway.post("/v1/messages", thinking.formatted("loose")).loop("hub-dropped").send();
        assertEquals(200, dropped.status(), dropped.body());
        assertTrue(careless.onlyRequest().json().path("thinking").isMissingNode());

        GatewayResponse serverTool = gateway.post("/v1/messages", """
                {"model":"mini","max_tokens":300,"tools":[{"type":"web_search_20250305","name":"web_search"}],\
                "messages":[{"role":"user","content":"Search."}]}""").loop("hub-refused").send();
        assertEquals(400, serverTool.status());
        assertTrue(serverTool.json().path("error").path("message").asText().contains("web_search_20250305"),
                serverTool.body());
    }

    @Test
    void aProvidersErrorReachesTheClientInAnthropicsShape() {
        gpt.answer(UpstreamAnswer.json(400, Fixtures.ERROR_400));
        GatewayResponse response = gateway.post("/v1/messages", """
                {"model":"mini","max_tokens":300,"messages":[{"role":"user","content":"Go"}]}""").loop("hub-error").send();
        assertEquals(400, response.status(), response.body());
        assertEquals("error", response.json().path("type").asText());
        assertEquals("invalid_request_error", response.json().path("error").path("type").asText());
        assertEquals(Fixtures.json(Fixtures.ERROR_400).path("error").path("message").asText(),
                response.json().path("error").path("message").asText());
    }

    private static <T> T withClient(String loop, Function<AnthropicClient, T> use) {
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl())
                .apiKey(GatewayHarness.LOOP_KEY).putHeader("X-Loop-Id", loop).maxRetries(0)
                .timeout(Duration.ofSeconds(10)).build();
        try {
            return use.apply(client);
        } finally {
            client.close();
        }
    }
}
