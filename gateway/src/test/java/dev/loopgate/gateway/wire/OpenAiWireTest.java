package dev.loopgate.gateway.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.SseText;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OpenAI's wire format: the body sent upstream, and usage read from answers and stream chunks. */
class OpenAiWireTest {

    @Test
    void usageOfACompletionIncludesCachedTokens() throws IOException {
        OpenAiWire.UsageChunk found = readUsage(Fixtures.text(Fixtures.CHAT));

        assertEquals(new Usage(1412, 27, 1280), found.usage());
        assertFalse(found.usageOnly(), "a completion has choices");
    }

    @Test
    void usageIsReadFromAWholeAnswerWhereverItsBytesLie() throws IOException {
        byte[] answer = Fixtures.text(Fixtures.CHAT).getBytes(StandardCharsets.UTF_8);
        ByteBuf direct = Unpooled.directBuffer(answer.length + 8).writeBytes(new byte[] {'x', 'x'}).writeBytes(answer);
        direct.readerIndex(2);
        ByteBuf offsetHeap = Unpooled.wrappedBuffer(("xx" + Fixtures.text(Fixtures.CHAT)).getBytes(StandardCharsets.UTF_8))
                .readerIndex(2);
        for (ByteBuf bytes : List.of(Unpooled.wrappedBuffer(answer), offsetHeap, direct)) {
            assertEquals(new Usage(1412, 27, 1280), OpenAiWire.readUsage(BufferInternal.buffer(bytes)).usage());
        }
        direct.release();
    }

    @Test
    void usageOnlyStreamChunkIsRecognised() throws IOException {
        List<String> payloads = SseText.dataPayloads(Fixtures.text(Fixtures.CHAT_STREAM));
        String usageChunk = payloads.get(payloads.size() - 2);

        OpenAiWire.UsageChunk found = readUsage(usageChunk);

        assertEquals(Fixtures.streamUsage(), found.usage());
        assertTrue(found.usageOnly());
    }

    @Test
    void contentChunkWithNullUsageHasNoUsage() throws IOException {
        String contentChunk = SseText.dataPayloads(Fixtures.text(Fixtures.CHAT_STREAM)).get(1);

        assertTrue(contentChunk.contains("\"usage\":null"), contentChunk);
        assertNull(readUsage(contentChunk));
    }

    @Test
    void answerWithoutUsageHasNoUsage() throws IOException {
        assertNull(readUsage("{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"content\":\"hi\"}}]}"));
        assertNull(readUsage("[1,2,3]"));
        assertNull(readUsage("[DONE]"), "not an object, so no usage, read no further");
    }

    @Test
    void usageWithoutDetailsCountsNoCachedTokens() throws IOException {
        assertEquals(new Usage(6, 0, 0), readUsage(Fixtures.text(Fixtures.EMBEDDINGS)).usage());
    }

    @Test
    void choicesAfterUsageStillMakeTheChunkNotUsageOnly() throws IOException {
        OpenAiWire.UsageChunk found = readUsage(
                "{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2},\"choices\":[{\"delta\":{}},{\"delta\":{}}],"
                        + "\"id\":\"after\"}");

        assertEquals(new Usage(5, 2, 0), found.usage());
        assertFalse(found.usageOnly());
    }

    @Test
    void cacheWriteTokensAreReadFromLoopgatesPromptDetailsExtension() throws IOException {
        OpenAiWire.UsageChunk found = readUsage(
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":2100,\"completion_tokens\":40,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":1500,\"cache_write_tokens\":512}}}");

        assertEquals(new Usage(2100, 40, 1500, 512), found.usage());
    }

    @Test
    void cacheWriteTokensNeverPushTheCachePartsBeyondThePrompt() throws IOException {
        OpenAiWire.UsageChunk found = readUsage(
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":6,\"cache_write_tokens\":9}}}");

        assertEquals(new Usage(10, 1, 6, 4), found.usage());
    }

    @Test
    void cachedTokensAreNeverMoreThanPromptTokens() throws IOException {
        OpenAiWire.UsageChunk found = readUsage(
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":50}}}");

        assertEquals(new Usage(10, 1, 10), found.usage());
    }

    @Test
    void usageIsReadFromTheGivenSliceOnly() throws IOException {
        String payload = "{\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}";
        byte[] framed = ("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8);

        OpenAiWire.UsageChunk found = OpenAiWire.readUsage(framed, 6, payload.length());

        assertEquals(new Usage(7, 3, 0), found.usage());
    }

    @Test
    void truncatedJsonIsAnError() {
        assertThrows(IOException.class, () -> readUsage("{\"choices\":[],\"usage\":{\"prompt_tokens\":"));
    }

    @Test
    void requestBodyNamesTheTargetsModelAndAsksForStreamUsage() {
        ObjectNode body = (ObjectNode) Fixtures.parse(
                "{\"model\":\"auto\",\"stream\":true,\"stream_options\":{\"include_usage\":false,\"x\":1},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        JsonNode sent = Fixtures.parse(OpenAiWire.requestBody(body, "gpt-4.1-mini", true, 0).toString());

        assertEquals("gpt-4.1-mini", sent.path("model").asText());
        assertTrue(sent.path("stream_options").path("include_usage").asBoolean());
        assertEquals(1, sent.path("stream_options").path("x").asInt(), "other stream options are kept");
        assertEquals("hi", sent.path("messages").path(0).path("content").asText());
    }

    @Test
    void requestBodyOfAWholeAnswerGetsNoStreamOptions() {
        ObjectNode body = (ObjectNode) Fixtures.parse("{\"model\":\"auto\",\"messages\":[]}");

        JsonNode sent = Fixtures.parse(OpenAiWire.requestBody(body, "gpt-4.1-mini", false, 0).toString());

        assertFalse(sent.has("stream_options"));
    }

    private static OpenAiWire.UsageChunk readUsage(String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return OpenAiWire.readUsage(bytes, 0, bytes.length);
    }
}
