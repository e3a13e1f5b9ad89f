package dev.loopgate.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.provider.ProviderContract.ToolCall;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.SseText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenAI chat stream read back by a client, its shape checked on the way: the chunks of
 * one answer, the role first, content and tool-call deltas, one finish chunk after them,
 * then a usage-only chunk and {@code data: [DONE]}.
 */
record StreamedChunks(String content, String finishReason, JsonNode usage, List<ToolCall> toolCalls) {
    static StreamedChunks of(String body) {
        List<String> payloads = SseText.dataPayloads(body);
        assertTrue(payloads.size() >= 3, () -> "a role chunk, a usage chunk and [DONE] at least: " + body);
        int last = payloads.size() - 1;
        assertEquals("[DONE]", payloads.get(last), () -> "the stream ends with data: [DONE]: " + body);
        List<JsonNode> chunks = new ArrayList<>();
        for (String payload : payloads.subList(0, last)) {
            assertFalse(payload.equals("[DONE]"), () -> "[DONE] comes once, last: " + body);
            chunks.add(Fixtures.parse(payload));
        }
        JsonNode first = chunks.get(0);
        assertEquals("assistant", first.path("choices").path(0).path("delta").path("role").asText(),
                () -> "the first chunk gives the role: " + first);
        JsonNode usageChunk = chunks.get(chunks.size() - 1);
        assertTrue(usageChunk.path("choices").isArray() && usageChunk.path("choices").isEmpty()
                && usageChunk.path("usage").isObject(), () -> "the last chunk before [DONE] is usage only: " + body);

        StringBuilder content = new StringBuilder();
        String finishReason = null;
        Map<Integer, Call> calls = new LinkedHashMap<>();
        for (int i = 0; i < chunks.size(); i++) {
            JsonNode chunk = chunks.get(i);
            assertEquals("chat.completion.chunk", chunk.path("object").asText(), chunk::toString);
            assertEquals(first.path("id").asText(), chunk.path("id").asText(), () -> "one answer's chunks: " + chunk);
            if (i < chunks.size() - 1) {
                assertFalse(chunk.path("usage").isObject(), () -> "only the last chunk carries usage: " + chunk);
            }
            for (JsonNode choice : chunk.path("choices")) {
                JsonNode delta = choice.path("delta");
                boolean carries = delta.path("content").isTextual() && !delta.path("content").asText().isEmpty()
                        || !delta.path("tool_calls").isEmpty();
                String finished = finishReason;
                assertFalse(carries && finished != null, () -> "content after the finish chunk: " + chunk);
                if (delta.path("content").isTextual()) {
                    content.append(delta.path("content").asText());
                }
                delta.path("tool_calls").forEach(call -> toolCallDelta(calls, call));
                if (choice.path("finish_reason").isTextual()) {
                    assertNull(finishReason, () -> "a second finish chunk: " + chunk);
                    finishReason = choice.path("finish_reason").asText();
                }
            }
        }
        assertNotNull(finishReason, () -> "no chunk gave a finish reason: " + body);
        List<ToolCall> toolCalls = calls.values().stream()
                .map(call -> new ToolCall(call.id, call.name, call.arguments.toString())).toList();
        return new StreamedChunks(content.toString(), finishReason, usageChunk.path("usage"), toolCalls);
    }

    /** The first delta of a call carries its id, type and name; the later ones more of its arguments. */
    private static void toolCallDelta(Map<Integer, Call> calls, JsonNode delta) {
        int index = delta.path("index").asInt(-1);
        JsonNode function = delta.path("function");
        if (delta.path("id").isTextual()) {
            assertFalse(calls.containsKey(index), () -> "tool call " + index + " started twice: " + delta);
            assertEquals("function", delta.path("type").asText(), delta::toString);
            calls.put(index, new Call(delta.path("id").asText(), function.path("name").asText()));
        }
        Call call = calls.get(index);
        assertNotNull(call, () -> "arguments for a tool call that never started: " + delta);
        call.arguments.append(function.path("arguments").asText(""));
    }

    private static final class Call {
        final String id;
        final String name;
        final StringBuilder arguments = new StringBuilder();

        Call(String id, String name) {
            this.id = id;
            this.name = name;
        }
    }
}
