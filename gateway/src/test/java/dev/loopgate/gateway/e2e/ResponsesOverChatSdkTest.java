package dev.loopgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.WebSearchTool;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK's {@code responses()} against providers that do not serve the
 * Responses API: a chat-only upstream and an Anthropic-format one. The call goes through the
 * hub, translated to a chat completion (and from there to Anthropic's dialect), and the answer,
 * function calls and stream come back as Responses objects and events the SDK reads.
 */
class ResponsesOverChatSdkTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              chat: { type: openai, base_url: "${CHAT_URL}", api_key: "${CHAT_API_KEY}" }
              claude: { type: anthropic, base_url: "${CLAUDE_URL}", api_key: "${CLAUDE_API_KEY}" }
            models:
              mini: { provider: chat, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6, cached_input: 0.1 }
              sonnet: { provider: claude, name: claude-sonnet-4-5-20250929, input: 3.0, output: 15.0,
                        cache_read: 0.3, cache_write: 3.75 }
            tiers: { mid: [mini], frontier: [sonnet] }
            rules: []
            budgets:
              loops:
                "broke-*": { usd: 0.000001 }
                "limited-*": { rpm: 1 }
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "chat", "claude");
    static TestUpstream chat;
    static TestUpstream claude;

    @BeforeAll
    static void upstreams() {
        chat = gateway.upstream("chat");
        claude = gateway.upstream("claude");
    }

    @Test
    void aResponseFromAChatOnlyProviderIsReadByTheSdk() {
        chat.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        Response response = withClient("hub-plain", client -> client.responses().create(ResponseCreateParams.builder()
                .model("mini").instructions("You answer briefly.").input("Why does test_total fail?")
                .maxOutputTokens(300).build()));
        assertEquals(Fixtures.chatContent(), text(response));
        JsonNode sent = chat.onlyRequest().json();
        assertTrue(chat.onlyRequest().path().endsWith("/chat/completions"));
        assertEquals("system", sent.path("messages").path(0).path("role").asText());
        assertEquals("You answer briefly.", sent.path("messages").path(0).path("content").asText());
        assertEquals("Why does test_total fail?", sent.path("messages").path(1).path("content").asText());
        assertEquals(300, sent.path("max_completion_tokens").asLong());
        assertEquals(Fixtures.usageOf(Fixtures.json(Fixtures.CHAT)).completionTokens(),
                response.usage().orElseThrow().outputTokens());
    }

    @Test
    void aFunctionToolRoundTripReachesTheProviderAsToolCallsAndToolMessages() {
        chat.answer(UpstreamAnswer.firstThen(UpstreamAnswer.json(200, Fixtures.CHAT_TOOL_CALLS),
                UpstreamAnswer.json(200, Fixtures.CHAT)));
        Response asked = withClient("hub-tools", client -> client.responses().create(ResponseCreateParams.builder()
                .model("mini").input("Run the tests.").build()));
        List<ResponseFunctionToolCall> calls = asked.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(item -> item.functionCall().orElseThrow()).toList();
        assertEquals(List.of("run_tests", "read_file"), calls.stream().map(ResponseFunctionToolCall::name).toList());
        assertEquals("{\"path\":\"billing/tests\",\"verbose\":true}", calls.get(0).arguments());

        List<ResponseInputItem> input = new ArrayList<>();
        input.add(ResponseInputItem.ofMessage(ResponseInputItem.Message.builder()
                .role(ResponseInputItem.Message.Role.USER).addInputTextContent("Run the tests.").build()));
        calls.forEach(call -> input.add(ResponseInputItem.ofFunctionCall(call)));
        calls.forEach(call -> input.add(ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput
                .builder().callId(call.callId()).output("2 failed").build())));
        Response answered = withClient("hub-tools", client -> client.responses().create(ResponseCreateParams.builder()
                .model("mini").inputOfResponse(input).build()));
        assertEquals(Fixtures.chatContent(), text(answered));

        JsonNode messages = chat.received().get(1).json().path("messages");
        assertEquals("assistant", messages.path(1).path("role").asText());
        assertEquals(2, messages.path(1).path("tool_calls").size(), "both calls in one assistant message");
        assertEquals(calls.get(0).callId(), messages.path(1).path("tool_calls").path(0).path("id").asText());
        assertEquals("tool", messages.path(2).path("role").asText());
        assertEquals("2 failed", messages.path(2).path("content").asText());
    }

    @Test
    void aChatStreamIsRelayedAsResponsesEventsTheSdkAccumulatesAndIsCharged() {
        chat.answer(UpstreamAnswer.recorded());
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        withClient("hub-stream", client -> {
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                    ResponseCreateParams.builder().model("mini").input("When do loops converge?").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            return null;
        });
        Response response = accumulator.response();
        assertEquals(Fixtures.streamContent(), text(response));
        Usage usage = Fixtures.streamUsage();
        assertEquals(usage.completionTokens(), response.usage().orElseThrow().outputTokens());
        BigDecimal expected = new BigDecimal(usage.promptTokens() - usage.cachedPromptTokens())
                .multiply(new BigDecimal("0.0000004"))
                .add(new BigDecimal(usage.cachedPromptTokens()).multiply(new BigDecimal("0.0000001")))
                .add(new BigDecimal(usage.completionTokens()).multiply(new BigDecimal("0.0000016")));
        assertTrue(Poll.until(Poll.WAIT, () -> expected.compareTo(gateway.spentUsd("hub-stream")) == 0),
                "charged " + gateway.spentUsd("hub-stream") + ", expected " + expected);
    }

    @Test
    void anAnthropicProviderServesTheResponsesApiThroughTheHub() {
        claude.answer(AnthropicFixtures.recorded(AnthropicFixtures.TEXT, AnthropicFixtures.STREAM_TEXT));
        Response whole = withClient("hub-claude", client -> client.responses().create(ResponseCreateParams.builder()
                .model("sonnet").input("Why does the total test fail?").build()));
        assertTrue(text(whole).startsWith("The failing test"), text(whole));
        assertTrue(claude.received().get(0).path().endsWith("/messages"));

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        withClient("hub-claude", client -> {
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                    ResponseCreateParams.builder().model("sonnet").input("When do loops converge?").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            return null;
        });
        assertEquals("Loops converge when each step shrinks the error — ½ at a time.", text(accumulator.response()));
    }

    @Test
    void jsonSchemaOutputIsAskedOfTheProviderAsItsResponseFormat() {
        chat.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        GatewayResponse response = gateway.post("/v1/responses", """
                {"model":"mini","input":"Summarise.","text":{"format":{"type":"json_schema","name":"summary",\
                "schema":{"type":"object","properties":{"line":{"type":"string"}}},"strict":true}}}""")
                .loop("hub-json").send();
        assertEquals(200, response.status(), response.body());
        JsonNode format = chat.onlyRequest().json().path("response_format");
        assertEquals("json_schema", format.path("type").asText());
        assertEquals("summary", format.path("json_schema").path("name").asText());
        assertEquals(true, format.path("json_schema").path("strict").asBoolean());
        assertEquals("json_schema", response.json().path("text").path("format").path("type").asText());
    }

    @Test
    void previousResponseIdContinuesAConversationTheGatewayKeptForTheKeyThatMadeIt() {
        chat.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        Response first = withClient("hub-state", client -> client.responses().create(ResponseCreateParams.builder()
                .model("mini").input("Why does test_total fail?").build()));
        Response second = withClient("hub-state", client -> client.responses().create(ResponseCreateParams.builder()
                .model("mini").previousResponseId(first.id()).input("And how do I fix it?").build()));
        assertTrue(!first.id().equals(second.id()), "each response has its own id");

        JsonNode messages = chat.received().get(1).json().path("messages");
        assertEquals(3, messages.size(), messages::toString);
        assertEquals("Why does test_total fail?", messages.path(0).path("content").asText());
        assertEquals("assistant", messages.path(1).path("role").asText());
        assertEquals(Fixtures.chatContent(), messages.path(1).path("content").asText());
        assertEquals("And how do I fix it?", messages.path(2).path("content").asText());

        GatewayResponse kept = gateway.request(HttpMethod.GET, "/v1/responses/" + first.id()).loop("hub-state").send();
        assertEquals(200, kept.status(), kept.body());
        assertEquals(first.id(), kept.json().path("id").asText());
        GatewayResponse otherKey = gateway.request(HttpMethod.GET, "/v1/responses/" + first.id())
                .key(GatewayHarness.SOLO_KEY).send();
        assertEquals(404, otherKey.status(), "another key's response does not exist for it");

        GatewayResponse otherLoop = gateway.post("/v1/responses", """
                {"model":"mini","previous_response_id":"%s","input":"Mine now?"}""".formatted(first.id()))
                .loop("hub-state-elsewhere").send();
        assertEquals(400, otherLoop.status(), "another loop cannot continue it: " + otherLoop.body());
        assertEquals("previous_response_id", otherLoop.json().path("error").path("param").asText());

        GatewayResponse deleted = gateway.request(HttpMethod.DELETE, "/v1/responses/" + first.id()).loop("hub-state").send();
        assertEquals(true, deleted.json().path("deleted").asBoolean(), deleted.body());
        assertEquals(404, gateway.request(HttpMethod.GET, "/v1/responses/" + first.id()).loop("hub-state").send().status());

        GatewayResponse unstored = gateway.post("/v1/responses", """
                {"model":"mini","input":"Not kept.","store":false}""").loop("hub-state").send();
        assertEquals(404, gateway.request(HttpMethod.GET, "/v1/responses/" + unstored.json().path("id").asText())
                .loop("hub-state").send().status(), "store: false keeps nothing");
    }

    @Test
    void aStreamedResponseIsKeptForTheNextTurnToo() {
        chat.answer(UpstreamAnswer.recorded());
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        withClient("hub-stream-state", client -> {
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                    ResponseCreateParams.builder().model("mini").input("When do loops converge?").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            return null;
        });
        String id = accumulator.response().id();
        withClient("hub-stream-state", client -> client.responses().create(ResponseCreateParams.builder()
                .model("mini").previousResponseId(id).input("Why?").build()));
        JsonNode messages = chat.received().get(1).json().path("messages");
        assertEquals(Fixtures.streamContent(), messages.path(1).path("content").asText(), messages::toString);
    }

    @Test
    void aTranslatedStreamCutMidWayEndsWithAnErrorEventAndNeverACompletion() {
        chat.answer(UpstreamAnswer.sseThenCut(Fixtures.CHAT_STREAM, 3));
        GatewayResponse response = gateway.post("/v1/responses", """
                {"model":"mini","input":"Go","stream":true}""").loop("hub-cut").send();
        assertEquals(200, response.status());
        assertTrue(response.body().contains("event: response.output_text.delta"), response.body());
        assertTrue(!response.body().contains("response.completed"), response.body());
        assertTrue(response.body().endsWith("\"param\":null}\n\n") && response.body().contains("event: error"),
                response.body());
        assertTrue(Poll.until(Poll.WAIT, () -> gateway.spentUsd("hub-cut").signum() > 0), "what was streamed is charged");
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsAnsweredOnce() {
        chat.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        String body = """
                {"model":"mini","input":"Once only."}""";
        GatewayResponse first = gateway.post("/v1/responses", body).loop("hub-idem").header("Idempotency-Key", "r-1").send();
        GatewayResponse again = gateway.post("/v1/responses", body).loop("hub-idem").header("Idempotency-Key", "r-1").send();
        assertEquals(first.body(), again.body());
        assertEquals("true", again.header("x-loopgate-idempotent-replay"));
        assertEquals(1, chat.received().size());
    }

    @Test
    void aNamespaceOfToolsReachesTheProviderAsItsFunctions() {
        chat.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        GatewayResponse response = gateway.post("/v1/responses", """
                {"model":"mini","input":"Plan.","tools":[{"type":"function","name":"exec_command","parameters":                {"type":"object"}},{"type":"namespace","name":"agents","description":"Sub-agents","tools":                [{"type":"function","name":"spawn_agent","parameters":{"type":"object"}}]}]}""")
                .loop("hub-namespace").send();
        assertEquals(200, response.status(), response.body());
        JsonNode tools = chat.onlyRequest().json().path("tools");
        assertEquals(List.of("exec_command", "spawn_agent"), List.of(tools.path(0).path("function").path("name").asText(),
                tools.path(1).path("function").path("name").asText()));
    }

    @Test
    void builtInToolsAndRefusalsAreTypedErrors() {
        BadRequestException builtIn = assertThrows(BadRequestException.class, () -> withClient("hub-refused",
                client -> client.responses().create(ResponseCreateParams.builder().model("mini").input("Search.")
                        .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build())
                        .build())));
        assertTrue(builtIn.getMessage().contains("web_search"), builtIn.getMessage());
        assertEquals(List.of(), chat.received(), "nothing reached the provider");

        OpenAIServiceException broke = assertThrows(OpenAIServiceException.class,
                () -> withClient("broke-loop", ResponsesOverChatSdkTest::ask));
        assertEquals(402, broke.statusCode());
        assertTrue(broke.getMessage().contains("budget"), broke.getMessage());
        chat.answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        withClient("limited-loop", ResponsesOverChatSdkTest::ask);
        assertThrows(RateLimitException.class, () -> withClient("limited-loop", ResponsesOverChatSdkTest::ask));
    }

    private static Response ask(OpenAIClient client) {
        return client.responses().create(ResponseCreateParams.builder().model("mini").input("Next?")
                .maxOutputTokens(200).build());
    }

    private static String text(Response response) {
        return response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(content -> content.outputText().stream())
                .map(output -> output.text()).findFirst().orElse("");
    }

    private static <T> T withClient(String loop, Function<OpenAIClient, T> use) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(GatewayHarness.LOOP_KEY).putHeader("X-Loop-Id", loop).maxRetries(0)
                .responseValidation(true).timeout(Duration.ofSeconds(10)).build();
        try {
            return use.apply(client);
        } finally {
            client.close();
        }
    }
}
