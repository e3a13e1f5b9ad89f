package dev.loopgate.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** OpenAI chat requests as Anthropic Messages requests: every field that has a counterpart, and the refusals. */
class AnthropicRequestTest {
    static final String MODEL = "claude-sonnet-4-5-20250929";
    static final int DEFAULT_MAX_TOKENS = 2048;

    @Test
    void plainChatBecomesModelMaxTokensAndOneUserTurn() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[{"role":"user","content":"Plan the billing refactor."}]}""");

        assertEquals(Fixtures.parse("""
                {"model":"%s","max_tokens":2048,
                 "messages":[{"role":"user","content":[{"type":"text","text":"Plan the billing refactor."}]}]}"""
                .formatted(MODEL)), sent);
    }

    @Test
    void systemAndDeveloperMessagesBecomeTopLevelSystemBlocksWhereverTheyStand() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[
                  {"role":"system","content":"You fix failing tests."},
                  {"role":"developer","content":[{"type":"text","text":"Repo: billing."},{"type":"text","text":"Python 3.12."}]},
                  {"role":"user","content":"Fix it."},
                  {"role":"system","content":"Be brief."}]}""");

        assertEquals(Fixtures.parse("""
                [{"type":"text","text":"You fix failing tests."},{"type":"text","text":"Repo: billing."},
                 {"type":"text","text":"Python 3.12."},{"type":"text","text":"Be brief."}]"""), sent.get("system"));
        assertEquals(1, sent.get("messages").size(), "system messages leave the turns");
    }

    @Test
    void consecutiveTurnsOfOneRoleAreMergedAndEmptyOnesLeftOut() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[
                  {"role":"user","content":"First."},{"role":"user","content":[{"type":"text","text":"Second."}]},
                  {"role":"assistant","content":"Answer."},{"role":"assistant","content":""},
                  {"role":"user","content":"Third."}]}""");

        assertEquals(Fixtures.parse("""
                [{"role":"user","content":[{"type":"text","text":"First."},{"type":"text","text":"Second."}]},
                 {"role":"assistant","content":[{"type":"text","text":"Answer."}]},
                 {"role":"user","content":[{"type":"text","text":"Third."}]}]"""), sent.get("messages"));
    }

    @Test
    void imagesBecomeBase64OrUrlSources() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[{"role":"user","content":[
                  {"type":"text","text":"Compare these."},
                  {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
                  {"type":"image_url","image_url":{"url":"https://example.com/chart.jpg"}}]}]}""");

        assertEquals(Fixtures.parse("""
                [{"type":"text","text":"Compare these."},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/chart.jpg"}}]"""),
                sent.path("messages").path(0).path("content"));
    }

    @Test
    void toolCallsAndToolResultsBecomeToolUseAndToolResultTurns() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[
                  {"role":"user","content":"Run the tests."},
                  {"role":"assistant","content":null,"tool_calls":[
                    {"id":"call_1","type":"function","function":{"name":"run_tests","arguments":"{\\"path\\":\\"billing/tests\\"}"}},
                    {"id":"call_2","type":"function","function":{"name":"read_file","arguments":"{\\"path\\":\\"a.py\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"2 failed"},
                  {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"def total():"}]},
                  {"role":"user","content":"Now fix it."}]}""");

        assertEquals(Fixtures.parse("""
                [{"role":"user","content":[{"type":"text","text":"Run the tests."}]},
                 {"role":"assistant","content":[
                   {"type":"tool_use","id":"call_1","name":"run_tests","input":{"path":"billing/tests"}},
                   {"type":"tool_use","id":"call_2","name":"read_file","input":{"path":"a.py"}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"call_1","content":"2 failed"},
                   {"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"def total():"}]},
                   {"type":"text","text":"Now fix it."}]}]"""), sent.get("messages"));
    }

    @Test
    void emptyToolArgumentsBecomeAnEmptyInput() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[{"role":"assistant","content":"Listing.","tool_calls":[
                  {"id":"call_1","type":"function","function":{"name":"list_files","arguments":""}}]}]}""");

        assertEquals(Fixtures.parse("{}"), sent.path("messages").path(0).path("content").path(1).path("input"));
    }

    @Test
    void toolsBecomeInputSchemas() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[{"role":"user","content":"Go."}],"tools":[
                  {"type":"function","function":{"name":"run_tests","description":"Runs pytest.","strict":true,
                   "parameters":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}},
                  {"type":"function","function":{"name":"list_files"}}]}""");

        assertEquals(Fixtures.parse("""
                [{"name":"run_tests","description":"Runs pytest.",
                  "input_schema":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}},
                 {"name":"list_files","input_schema":{"type":"object","properties":{}}}]"""), sent.get("tools"));
        assertFalse(sent.has("tool_choice"), "without tool_choice Anthropic's default (auto) applies");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "\"auto\"                                           | {\"type\":\"auto\"}",
        "\"none\"                                           | {\"type\":\"none\"}",
        "\"required\"                                       | {\"type\":\"any\"}",
        "{\"type\":\"function\",\"function\":{\"name\":\"run_tests\"}} | {\"type\":\"tool\",\"name\":\"run_tests\"}"})
    void toolChoiceIsTranslated(String openAi, String anthropic) {
        JsonNode sent = translate(withTool("\"tool_choice\":" + openAi));

        assertEquals(Fixtures.parse(anthropic), sent.get("tool_choice"));
    }

    @Test
    void parallelToolCallsFalseDisablesParallelToolUse() {
        assertEquals(Fixtures.parse("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"),
                translate(withTool("\"parallel_tool_calls\":false")).get("tool_choice"));
        assertEquals(Fixtures.parse("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"),
                translate(withTool("\"parallel_tool_calls\":false,\"tool_choice\":\"required\"")).get("tool_choice"));
        assertFalse(translate(withTool("\"parallel_tool_calls\":true")).has("tool_choice"));
    }

    @Test
    void samplingStopUserAndStreamFieldsAreCarriedOver() {
        JsonNode sent = translate("""
                {"model":"mid","messages":[{"role":"user","content":"Hi"}],"temperature":0.2,"top_p":0.9,
                 "stop":["END","\\n\\n"],"user":"build-bot-7","max_completion_tokens":300,"seed":42,"store":false}""",
                true);

        assertEquals(0.2, sent.get("temperature").doubleValue());
        assertEquals(0.9, sent.get("top_p").doubleValue());
        assertEquals(Fixtures.parse("[\"END\",\"\\n\\n\"]"), sent.get("stop_sequences"));
        assertEquals("build-bot-7", sent.path("metadata").path("user_id").asText());
        assertEquals(300, sent.get("max_tokens").intValue());
        assertTrue(sent.get("stream").booleanValue());
        assertFalse(sent.has("seed") || sent.has("store") || sent.has("user"), sent::toString);
    }

    @Test
    void aSingleStopStringBecomesAOneElementList() {
        assertEquals(Fixtures.parse("[\"END\"]"),
                translate("{\"model\":\"m\",\"stop\":\"END\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                        .get("stop_sequences"));
    }

    @Test
    void maxTokensIsTheCallersWhenSetElseTheModelsCap() {
        assertEquals(77, translate("{\"model\":\"m\",\"max_tokens\":77,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .get("max_tokens").intValue());
        assertEquals(DEFAULT_MAX_TOKENS, translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}")
                .get("max_tokens").intValue());
        assertFalse(translate("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").has("stream"));
    }

    @Test
    void jsonObjectModeAddsASystemInstruction() {
        JsonNode sent = translate("""
                {"model":"m","response_format":{"type":"json_object"},"messages":[
                  {"role":"system","content":"Classify."},{"role":"user","content":"x"}]}""");

        assertEquals(2, sent.get("system").size());
        assertEquals(AnthropicWire.JSON_OBJECT_INSTRUCTION, sent.path("system").path(1).path("text").asText());
    }

    @Test
    void jsonSchemaModeForcesATool() {
        AnthropicWire.Request request = request("""
                {"model":"m","messages":[{"role":"user","content":"Grade it."}],"response_format":{"type":"json_schema",
                 "json_schema":{"name":"grade","schema":{"type":"object","properties":{"score":{"type":"integer"}}}}}}""");

        assertEquals("grade", request.jsonTool());
        assertEquals(Fixtures.parse("{\"type\":\"tool\",\"name\":\"grade\"}"), request.body().get("tool_choice"));
        JsonNode tool = request.body().path("tools").path(0);
        assertEquals("grade", tool.path("name").asText());
        assertEquals(Fixtures.parse("{\"type\":\"object\",\"properties\":{\"score\":{\"type\":\"integer\"}}}"),
                tool.get("input_schema"));
    }

    @Test
    void jsonSchemaBesideTheCallersToolsLetsTheModelPickEitherButRequiresOne() {
        AnthropicWire.Request request = request(withTool(
                "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"grade\",\"schema\":{}}}"));

        assertEquals("grade", request.jsonTool());
        assertEquals(2, request.body().get("tools").size());
        assertEquals(Fixtures.parse("{\"type\":\"any\"}"), request.body().get("tool_choice"));
    }

    @Test
    void withoutJsonSchemaThereIsNoAnswerTool() {
        assertNull(request(withTool("\"tool_choice\":\"auto\"")).jsonTool());
    }

    @Test
    void theCallersRequestIsLeftAsItWasForTheNextTarget() {
        String json = withTool("\"n\":1,\"parallel_tool_calls\":false");
        JsonNode caller = Fixtures.parse(json);

        AnthropicWire.toRequest(caller, MODEL, DEFAULT_MAX_TOKENS, true);

        assertEquals(Fixtures.parse(json), caller);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "\"n\":2                                   | n",
        "\"logprobs\":true                         | logprobs",
        "\"top_logprobs\":3                        | top_logprobs",
        "\"logit_bias\":{\"50256\":-100}           | logit_bias",
        "\"presence_penalty\":0.5                  | presence_penalty",
        "\"frequency_penalty\":-0.2                | frequency_penalty",
        "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"} | audio",
        "\"modalities\":[\"text\",\"audio\"]       | modalities",
        "\"functions\":[{\"name\":\"f\"}]          | functions",
        "\"response_format\":{\"type\":\"xml\"}    | response_format",
        "\"stop\":[1,2]                            | stop",
        "\"tool_choice\":\"sometimes\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}] | tool_choice",
        "\"tools\":[{\"type\":\"custom\",\"custom\":{\"name\":\"f\"}}] | tools[0].type"})
    void whatAnthropicCannotDoIsRefusedNamingTheField(String field, String param) {
        GatewayException refused = assertThrows(GatewayException.class, () -> translate(
                "{\"model\":\"m\"," + field + ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"));

        assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
        assertEquals(param, refused.param());
        assertFalse(refused.getMessage().isBlank());
    }

    @Test
    void defaultsThatAskForNothingAreAccepted() {
        JsonNode sent = translate("""
                {"model":"m","n":1,"logprobs":false,"presence_penalty":0,"frequency_penalty":0.0,"logit_bias":{},
                 "modalities":["text"],"response_format":{"type":"text"},"messages":[{"role":"user","content":"x"}]}""");

        assertEquals(1, sent.get("messages").size());
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":\"wav\"}}]}"
                + " | messages[0].content[0]",
        "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/svg+xml,<svg/>\"}}]}"
                + " | messages[0].content[0].image_url.url",
        "{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://x/a.png\"}}]}"
                + " | messages[0].content[0].image_url.url",
        "{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"} | messages[0].role",
        "{\"role\":\"tool\",\"content\":\"x\"} | messages[0].tool_call_id",
        "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{not json\"}}]}"
                + " | messages[0].tool_calls[0].function.arguments",
        "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1,2]\"}}]}"
                + " | messages[0].tool_calls[0].function.arguments"})
    void messagesAnthropicCannotTakeAreRefusedNamingThePart(String message, String param) {
        GatewayException refused = assertThrows(GatewayException.class,
                () -> translate("{\"model\":\"m\",\"messages\":[" + message + "]}"));

        assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
        assertEquals(param, refused.param());
    }

    @Test
    void aJsonSchemaNamedLikeATrueToolIsRefused() {
        GatewayException refused = assertThrows(GatewayException.class, () -> translate(withTool(
                "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"run_tests\",\"schema\":{}}}")));

        assertEquals("response_format.json_schema.name", refused.param());
    }

    /** A request with one user message and the tool {@code run_tests}, plus the given fields. */
    private static String withTool(String fields) {
        return "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Go.\"}],\"tools\":[{\"type\":\"function\","
                + "\"function\":{\"name\":\"run_tests\",\"parameters\":{\"type\":\"object\"}}}]," + fields + "}";
    }

    private static JsonNode translate(String openAi) {
        return translate(openAi, false);
    }

    private static JsonNode translate(String openAi, boolean stream) {
        return AnthropicWire.toRequest(Fixtures.parse(openAi), MODEL, DEFAULT_MAX_TOKENS, stream).body();
    }

    private static AnthropicWire.Request request(String openAi) {
        return AnthropicWire.toRequest(Fixtures.parse(openAi), MODEL, DEFAULT_MAX_TOKENS, false);
    }
}
