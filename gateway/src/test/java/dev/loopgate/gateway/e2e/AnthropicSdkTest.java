package dev.loopgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.completions.CompletionUsage;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.TestUpstream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK, validating every response it reads, pointed at the gateway
 * in front of an upstream that answers like Anthropic: it gets content, tool calls and usage
 * as if it were talking to OpenAI.
 */
class AnthropicSdkTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              claude: { type: anthropic, base_url: "${CLAUDE_URL}", api_key: "${CLAUDE_API_KEY}" }
            models:
              sonnet: { provider: claude, name: claude-sonnet-4-5-20250929, input: 3.0, output: 15.0,
                        cache_read: 0.3, cache_write: 3.75 }
            tiers: { mid: [sonnet] }
            rules: []
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "claude");
    static TestUpstream claude;
    static OpenAIClient client;

    @BeforeAll
    static void connectSdk() {
        claude = gateway.upstream("claude");
        client = OpenAIOkHttpClient.builder()
                .baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(GatewayHarness.LOOP_KEY)
                .putHeader("X-Loop-Id", "sdk-loop")
                .maxRetries(0)
                .responseValidation(true)
                .timeout(Duration.ofSeconds(10))
                .build();
    }

    @AfterAll
    static void closeSdk() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void chatWithToolCallsIsParsedByTheSdk() {
        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TOOL_USE, null));

        ChatCompletion completion = client.chat().completions().create(params().build());

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertEquals("I'll run the billing tests first, then read the failing file.",
                choice.message().content().orElseThrow());
        assertToolCalls(choice.message());
        CompletionUsage usage = completion.usage().orElseThrow();
        assertEquals(688 + 1536, usage.promptTokens());
        assertEquals(1536, usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow());
        assertEquals("claude-sonnet-4-5-20250929", completion.model());
        JsonNode sent = claude.onlyRequest().json();
        assertEquals(List.of("run_tests", "read_file"), sent.path("tools").findValuesAsText("name"));
    }

    @Test
    void streamedChatWithToolCallsAccumulatesInTheSdk() {
        claude.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_TOOL_USE, 11));
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        CompletionUsage usage = null;

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params()
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            for (ChatCompletionChunk chunk : (Iterable<ChatCompletionChunk>) stream.stream()::iterator) {
                accumulator.accumulate(chunk);
                if (chunk.usage().isPresent()) {
                    usage = chunk.usage().get();
                }
            }
        }

        ChatCompletion completion = accumulator.chatCompletion();
        ChatCompletion.Choice choice = completion.choices().get(0);
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
        assertEquals("Running the tests and reading the file.", choice.message().content().orElseThrow());
        assertToolCalls(choice.message());
        assertEquals(472 + 1200, usage.promptTokens());
        assertEquals(89, usage.completionTokens());
        assertEquals(1200, usage.promptTokensDetails().orElseThrow().cacheWriteTokens().orElseThrow(),
                "the SDK reads Loopgate's cache_write_tokens too");
        assertTrue(claude.onlyRequest().json().path("stream").asBoolean());
    }

    private static ChatCompletionCreateParams.Builder params() {
        return ChatCompletionCreateParams.builder()
                .model("mid")
                .addSystemMessage("You fix failing tests.")
                .addUserMessage("Run the billing tests and read the failing file.")
                .addTool(tool("run_tests"))
                .addTool(tool("read_file"));
    }

    private static ChatCompletionTool tool(String name) {
        return ChatCompletionTool.ofFunction(ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder()
                        .name(name)
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of(
                                        "path", Map.of("type", "string"))))
                                .build())
                        .build())
                .build());
    }

    private static void assertToolCalls(ChatCompletionMessage message) {
        List<ChatCompletionMessageToolCall> calls = message.toolCalls().orElseThrow();
        assertEquals(2, calls.size());
        ChatCompletionMessageFunctionToolCall runTests = calls.get(0).asFunction();
        assertEquals("run_tests", runTests.function().name());
        assertTrue(runTests.id().startsWith("toolu_"), runTests::id);
        assertEquals(Fixtures.parse("{\"path\":\"billing/tests\",\"verbose\":true}"),
                Fixtures.parse(runTests.function().arguments()));
        ChatCompletionMessageFunctionToolCall readFile = calls.get(1).asFunction();
        assertEquals("read_file", readFile.function().name());
        assertEquals(Fixtures.parse("{\"path\":\"billing/invoice.py\"}"), Fixtures.parse(readFile.function().arguments()));
    }
}
