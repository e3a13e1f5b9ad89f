package dev.loopgate.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.SseText;
import dev.loopgate.gateway.wire.OpenAiWire;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Anthropic's SSE as OpenAI chunks, however the bytes arrive, and how a failed stream ends. */
class AnthropicStreamTranslatorTest {
    static final long CREATED = 1_764_000_000L;

    @Test
    void textStreamBecomesRoleContentFinishUsageAndDone() {
        List<String> payloads = payloads(translate(AnthropicFixtures.STREAM_TEXT, Integer.MAX_VALUE));

        assertEquals("[DONE]", payloads.get(payloads.size() - 1));
        List<JsonNode> chunks = payloads.subList(0, payloads.size() - 1).stream().map(Fixtures::parse).toList();
        for (JsonNode chunk : chunks) {
            assertEquals("msg_01KfQh4oLp2bZ8nWv7cYxR3T", chunk.path("id").asText());
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertEquals(CREATED, chunk.path("created").asLong());
            assertEquals("claude-sonnet-4-5-20250929", chunk.path("model").asText());
        }
        assertEquals(Fixtures.parse("{\"role\":\"assistant\"}"), chunks.get(0).path("choices").path(0).path("delta"));
        assertEquals("Loops converge when each step shrinks the error — ½ at a time.", content(chunks));
        JsonNode finish = chunks.get(chunks.size() - 2).path("choices").path(0);
        assertEquals("stop", finish.path("finish_reason").asText());
        assertEquals(Fixtures.parse("{}"), finish.path("delta"));
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertEquals(Fixtures.parse("[]"), usageChunk.get("choices"));
        assertEquals(Fixtures.parse("""
                {"prompt_tokens":3168,"completion_tokens":17,"total_tokens":3185,
                 "prompt_tokens_details":{"cached_tokens":3072,"cache_write_tokens":0}}"""), usageChunk.get("usage"));
    }

    @Test
    void everyTextDeltaIsItsOwnChunkAsSoonAsItsEventIsComplete() {
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, null);
        List<String> events = eventsOf(AnthropicFixtures.STREAM_TEXT);

        translator.onData(Buffer.buffer(events.get(0) + events.get(1)));
        Buffer oneDelta = translator.onData(Buffer.buffer(events.get(3)));

        assertEquals(List.of("{\"content\":\"Loops\"}"), payloads(oneDelta).stream()
                .map(p -> Fixtures.parse(p).path("choices").path(0).path("delta").toString()).toList());
        assertEquals(0, translator.onData(Buffer.buffer(events.get(2))).length(), "a ping tells the client nothing");
    }

    @Test
    void toolUseStreamBecomesToolCallHeadersThenArgumentDeltas() {
        List<JsonNode> chunks = chunks(translate(AnthropicFixtures.STREAM_TOOL_USE, Integer.MAX_VALUE));

        assertEquals("Running the tests and reading the file.", content(chunks));
        JsonNode first = toolCalls(chunks).get(0);
        assertEquals(Fixtures.parse("""
                {"index":0,"id":"toolu_01T1x1fJ34qAmk2tNTrN7Up6","type":"function",
                 "function":{"name":"run_tests","arguments":""}}"""), first);
        Map<Integer, String> arguments = arguments(chunks);
        assertEquals(Fixtures.parse("{\"path\":\"billing/tests\",\"verbose\":true}"), Fixtures.parse(arguments.get(0)));
        assertEquals(Fixtures.parse("{\"path\":\"billing/invoice.py\"}"), Fixtures.parse(arguments.get(1)));
        assertEquals("tool_calls", chunks.get(chunks.size() - 2).path("choices").path(0).path("finish_reason").asText());
        assertEquals(1672, chunks.get(chunks.size() - 1).path("usage").path("prompt_tokens").asLong());
        assertEquals(1200, chunks.get(chunks.size() - 1).path("usage").path("prompt_tokens_details")
                .path("cache_write_tokens").asLong());
    }

    @ParameterizedTest(name = "pieces of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 64, 333})
    void eventsAndCharactersSplitAcrossBuffersGiveTheSameChunks(int bytes) {
        for (String fixture : List.of(AnthropicFixtures.STREAM_TOOL_USE, AnthropicFixtures.STREAM_TEXT)) {
            assertEquals(translate(fixture, Integer.MAX_VALUE).toString(StandardCharsets.UTF_8),
                    translate(fixture, bytes).toString(StandardCharsets.UTF_8), fixture);
        }
    }

    @Test
    void usageChunkIsWhatTheRelayReadsAsUsageOnly() throws IOException {
        List<String> payloads = payloads(translate(AnthropicFixtures.STREAM_TOOL_USE, Integer.MAX_VALUE));
        byte[] usageChunk = payloads.get(payloads.size() - 2).getBytes(StandardCharsets.UTF_8);

        OpenAiWire.UsageChunk found = OpenAiWire.readUsage(usageChunk, 0, usageChunk.length);

        assertTrue(found.usageOnly(), "the relay drops it for clients that did not ask for usage");
        assertEquals(new Usage(1672, 89, 0, 1200), found.usage());
    }

    @Test
    void errorEventEndsTheTranslationWithoutDoneAndIgnoresTheRest() {
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, null);

        Buffer out = translator.onData(Buffer.buffer(AnthropicFixtures.text(AnthropicFixtures.STREAM_ERROR)));

        assertTrue(translator.isOver(), "the translated body must end at once, as a cut");
        assertEquals("Loops converge when", content(chunks(out)));
        assertFalse(payloads(out).contains("[DONE]"));
        assertEquals(0, translator.onData(Buffer.buffer(eventsOf(AnthropicFixtures.STREAM_TEXT).get(3))).length());
        assertEquals(0, translator.onEnd().length());
    }

    @Test
    void failureBeforeAnyContentYieldsNothingSoAnotherTargetMayStillBeTried() {
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, null);

        Buffer out = translator.onData(Buffer.buffer(AnthropicFixtures.text(AnthropicFixtures.STREAM_OVERLOADED)));

        assertEquals("", out.toString(), "not even the role chunk: the relay must not have committed");
        assertTrue(translator.isOver());
    }

    @Test
    void streamEndingBeforeMessageStopGetsNoDone() {
        String text = AnthropicFixtures.text(AnthropicFixtures.STREAM_TEXT);
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, null);

        Buffer out = translator.onData(Buffer.buffer(text.substring(0, text.indexOf("event: message_stop"))));
        out.appendBuffer(translator.onEnd());

        assertFalse(payloads(out).contains("[DONE]"), out::toString);
        assertFalse(translator.isOver(), "the upstream's own end tells the relay the stream was cut");
        assertEquals("stop", chunks(out).get(chunks(out).size() - 1).path("choices").path(0).path("finish_reason")
                .asText(), "what arrived is still relayed");
    }

    @Test
    void lastEventWithoutItsBlankLineStillCounts() {
        String text = AnthropicFixtures.text(AnthropicFixtures.STREAM_TEXT);
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, null);

        Buffer out = translator.onData(Buffer.buffer(text.substring(0, text.length() - 2)));
        out.appendBuffer(translator.onEnd());

        List<String> payloads = payloads(out);
        assertEquals("[DONE]", payloads.get(payloads.size() - 1));
    }

    @Test
    void dataThatIsNotJsonFailsTheStream() {
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, null);

        translator.onData(Buffer.buffer("event: content_block_delta\ndata: {\"type\":\"content_blo\n\n"));

        assertTrue(translator.isOver());
    }

    @Test
    void toolCalledWithoutArgumentsGetsAnEmptyObject() {
        String stream = sse("""
                {"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":5,"output_tokens":1}}}""",
                """
                {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"list_files","input":{}}}""",
                """
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}""",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}",
                "{\"type\":\"message_stop\"}");

        List<JsonNode> chunks = chunks(new AnthropicStreamTranslator(CREATED, null).onData(Buffer.buffer(stream)));

        assertEquals("{}", arguments(chunks).get(0));
    }

    @Test
    void jsonSchemaAnswerToolStreamsAsContentAndFinishesWithStop() {
        String stream = sse("""
                {"type":"message_start","message":{"id":"msg_1","model":"claude","usage":{"input_tokens":5,"output_tokens":1}}}""",
                """
                {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"grade","input":{}}}""",
                """
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"score\\""}}""",
                """
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":": 7}"}}""",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}",
                "{\"type\":\"message_stop\"}");

        List<JsonNode> chunks = chunks(new AnthropicStreamTranslator(CREATED, "grade").onData(Buffer.buffer(stream)));

        assertEquals("{\"score\": 7}", content(chunks));
        assertTrue(toolCalls(chunks).isEmpty());
        assertEquals("stop", chunks.get(chunks.size() - 2).path("choices").path(0).path("finish_reason").asText());
    }

    /** The fixture fed to a new translator in pieces of {@code bytes} bytes, then its end. */
    private static Buffer translate(String fixture, int bytes) {
        AnthropicStreamTranslator translator = new AnthropicStreamTranslator(CREATED, null);
        Buffer in = Buffer.buffer(AnthropicFixtures.text(fixture));
        Buffer out = Buffer.buffer();
        for (int i = 0; i < in.length(); i += bytes) {
            out.appendBuffer(translator.onData(in.getBuffer(i, (int) Math.min(in.length(), (long) i + bytes))));
        }
        return out.appendBuffer(translator.onEnd());
    }

    private static String sse(String... data) {
        StringBuilder text = new StringBuilder();
        for (String payload : data) {
            text.append("event: x\ndata: ").append(payload.strip()).append("\n\n");
        }
        return text.toString();
    }

    private static List<String> eventsOf(String fixture) {
        String text = AnthropicFixtures.text(fixture);
        List<String> events = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = text.indexOf("\n\n", start)) >= 0) {
            events.add(text.substring(start, end + 2));
            start = end + 2;
        }
        return events;
    }

    private static List<String> payloads(Buffer out) {
        return SseText.dataPayloads(out.toString(StandardCharsets.UTF_8));
    }

    private static List<JsonNode> chunks(Buffer out) {
        return payloads(out).stream().filter(p -> !p.equals("[DONE]")).map(Fixtures::parse).toList();
    }

    private static String content(List<JsonNode> chunks) {
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.path("choices").path(0).path("delta").path("content").asText("")));
        return text.toString();
    }

    private static List<JsonNode> toolCalls(List<JsonNode> chunks) {
        List<JsonNode> calls = new ArrayList<>();
        chunks.forEach(c -> c.path("choices").path(0).path("delta").path("tool_calls").forEach(calls::add));
        return calls;
    }

    /** Each tool call's arguments, its deltas joined in order, by tool-call index. */
    private static Map<Integer, String> arguments(List<JsonNode> chunks) {
        Map<Integer, String> arguments = new TreeMap<>();
        for (JsonNode call : toolCalls(chunks)) {
            arguments.merge(call.path("index").asInt(), call.path("function").path("arguments").asText(), String::concat);
        }
        return arguments;
    }
}
