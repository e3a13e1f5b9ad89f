package dev.loopgate.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.wire.OpenAiWire;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Whole Anthropic answers and errors as OpenAI's: content, tool calls, stop reasons, usage, error shapes. */
class AnthropicResponseTest {
    static final long CREATED = 1_764_000_000L;

    @Test
    void textAnswerBecomesAChatCompletion() {
        JsonNode completion = fromResponse(AnthropicFixtures.TEXT, null);

        assertEquals(Fixtures.parse("""
                {"id":"msg_01HCDu5LRGeP2o7s2xGmxyx8","object":"chat.completion","created":1764000000,
                 "model":"claude-sonnet-4-5-20250929",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":3484,"completion_tokens":58,"total_tokens":3542,
                          "prompt_tokens_details":{"cached_tokens":2048,"cache_write_tokens":1024}}}"""
                .formatted(AnthropicFixtures.json(AnthropicFixtures.TEXT).path("content").path(0).path("text").asText())),
                completion);
    }

    @Test
    void toolUseBlocksBecomeToolCallsWithArgumentsAsJsonStrings() {
        JsonNode message = fromResponse(AnthropicFixtures.TOOL_USE, null).path("choices").path(0);

        assertEquals("tool_calls", message.path("finish_reason").asText());
        assertEquals("I'll run the billing tests first, then read the failing file.",
                message.path("message").path("content").asText());
        JsonNode calls = message.path("message").path("tool_calls");
        assertEquals(2, calls.size());
        assertEquals("toolu_01A09q90qw90lq917835lq9", calls.path(0).path("id").asText());
        assertEquals("function", calls.path(0).path("type").asText());
        assertEquals("run_tests", calls.path(0).path("function").path("name").asText());
        assertTrue(calls.path(0).path("function").path("arguments").isTextual());
        assertEquals(Fixtures.parse("{\"path\":\"billing/tests\",\"verbose\":true}"),
                Fixtures.parse(calls.path(0).path("function").path("arguments").asText()));
        assertEquals("read_file", calls.path(1).path("function").path("name").asText());
    }

    @Test
    void anAnswerOfOnlyToolCallsHasNullContent() {
        JsonNode message = fromJson("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude","stop_reason":"tool_use",
                 "content":[{"type":"tool_use","id":"toolu_1","name":"list_files","input":{}}],
                 "usage":{"input_tokens":10,"output_tokens":5}}""", null).path("choices").path(0).path("message");

        assertTrue(message.get("content").isNull(), message::toString);
        assertEquals("{}", message.path("tool_calls").path(0).path("function").path("arguments").asText());
    }

    @Test
    void jsonSchemaAnswerToolInputBecomesTheMessageText() {
        JsonNode choice = fromJson("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude","stop_reason":"tool_use",
                 "content":[{"type":"tool_use","id":"toolu_1","name":"grade","input":{"score":7,"why":"ok"}}],
                 "usage":{"input_tokens":10,"output_tokens":5}}""", "grade").path("choices").path(0);

        assertEquals("stop", choice.path("finish_reason").asText(), "the answer is the schema's, not a tool call");
        assertFalse(choice.path("message").has("tool_calls"));
        assertEquals(Fixtures.parse("{\"score\":7,\"why\":\"ok\"}"),
                Fixtures.parse(choice.path("message").path("content").asText()));
    }

    @Test
    void thinkingBlocksAreNotPartOfTheAnswer() {
        JsonNode message = fromJson("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude","stop_reason":"end_turn",
                 "content":[{"type":"thinking","thinking":"hmm","signature":"abc"},{"type":"text","text":"Done."}],
                 "usage":{"input_tokens":10,"output_tokens":5}}""", null).path("choices").path(0).path("message");

        assertEquals("Done.", message.path("content").asText());
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource({
        "end_turn, false, stop",
        "stop_sequence, false, stop",
        "pause_turn, false, stop",
        "max_tokens, false, length",
        "model_context_window_exceeded, false, length",
        "tool_use, true, tool_calls",
        "tool_use, false, stop",
        "refusal, false, content_filter",
        ", false, stop"})
    void stopReasonsMapToFinishReasons(String stopReason, boolean callsTools, String finishReason) {
        assertEquals(finishReason, AnthropicWire.finishReason(stopReason, callsTools));
    }

    @Test
    void usageCountsEveryInputTokenAsPromptAndReadsBackThroughOpenAiWire() throws IOException {
        Buffer completion = AnthropicWire.fromResponse(bytes(AnthropicFixtures.TEXT), CREATED, null);
        byte[] json = completion.getBytes();

        OpenAiWire.UsageChunk usage = OpenAiWire.readUsage(json, 0, json.length);

        // 412 uncached + 1,024 written to the cache + 2,048 read from it
        assertEquals(new Usage(3484, 58, 2048, 1024), usage.usage());
    }

    @Test
    void somethingOtherThanAMessageIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> AnthropicWire.fromResponse("{\"type\":\"error\"}".getBytes(StandardCharsets.UTF_8), CREATED, null));
        assertThrows(IllegalArgumentException.class,
                () -> AnthropicWire.fromResponse("<html>".getBytes(StandardCharsets.UTF_8), CREATED, null));
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({"400, 400", "401, 401", "403, 403", "404, 404", "413, 413", "429, 429", "500, 500", "529, 503"})
    void errorStatusesMapToWhatOpenAiClientsExpect(int anthropic, int openAi) {
        assertEquals(openAi, AnthropicErrors.status(anthropic));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "error-400.json, 400, invalid_request_error, invalid_request_error",
        "error-401.json, 401, authentication_error, authentication_error",
        "error-429.json, 429, rate_limit_error, rate_limit_error",
        "error-529.json, 503, server_error, overloaded_error"})
    void errorBodiesTakeOpenAisShapeKeepingTheMessage(String fixture, int status, String type, String code) {
        JsonNode error = Fixtures.parse(AnthropicErrors.body(status, bytes(fixture), "sk-ant-secret").toString());

        JsonNode expectedMessage = AnthropicFixtures.json(fixture).path("error").path("message");
        assertEquals(Fixtures.parse("{\"error\":{\"message\":" + expectedMessage + ",\"type\":\"" + type
                + "\",\"code\":\"" + code + "\",\"param\":null}}"), error);
    }

    @Test
    void anErrorThatIsNotJsonGetsAMessageFromItsStatus() {
        JsonNode error = Fixtures.parse(AnthropicErrors.body(502,
                "<html>Bad gateway</html>".getBytes(StandardCharsets.UTF_8), null).toString()).path("error");

        assertEquals("server_error", error.path("type").asText());
        assertTrue(error.path("code").isNull());
        assertTrue(error.path("message").asText().contains("502"), error::toString);
    }

    @Test
    void theProvidersKeyNeverAppearsInAnErrorMessage() {
        String key = "sk-ant-api03-verysecret";
        byte[] echoed = ("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"bad key "
                + key + "\"}}").getBytes(StandardCharsets.UTF_8);

        String body = AnthropicErrors.body(401, echoed, key).toString();

        assertFalse(body.contains(key), body);
        assertTrue(body.contains("bad key ***"), body);
    }

    private static JsonNode fromResponse(String fixture, String jsonTool) {
        return Fixtures.parse(AnthropicWire.fromResponse(bytes(fixture), CREATED, jsonTool).toString());
    }

    private static JsonNode fromJson(String anthropic, String jsonTool) {
        return Fixtures.parse(AnthropicWire.fromResponse(anthropic.getBytes(StandardCharsets.UTF_8), CREATED, jsonTool)
                .toString());
    }

    private static byte[] bytes(String fixture) {
        return AnthropicFixtures.text(fixture).getBytes(StandardCharsets.UTF_8);
    }
}
