package dev.loopgate.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Recorded OpenAI answers under {@code src/test/resources/fixtures/openai/}, and what
 * tests need to read out of them: the content a client should see and the usage.
 */
public final class Fixtures {
    public static final String CHAT = "chat-completion.json";
    public static final String CHAT_STREAM = "chat-stream.sse";
    /** An answer of two tool calls, no text. */
    public static final String CHAT_TOOL_CALLS = "chat-tool-calls.json";
    /** The same two tool calls streamed: a header chunk per call, then its arguments in pieces. */
    public static final String CHAT_STREAM_TOOL_CALLS = "chat-stream-tool-calls.sse";
    public static final String EMBEDDINGS = "embeddings.json";
    public static final String ERROR_400 = "error-400.json";
    /** Azure OpenAI's refusal of a prompt by its content filter. */
    public static final String ERROR_CONTENT_FILTER = "error-400-content-filter.json";
    public static final String ERROR_401 = "error-401.json";
    public static final String ERROR_429 = "error-429.json";
    public static final String ERROR_500 = "error-500.json";
    public static final String ERROR_503 = "error-503.json";

    private Fixtures() {
    }

    public static String text(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/openai/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        return parse(text(name));
    }

    public static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }

    /** The SSE fixture split into its events, each with its closing blank line. */
    public static List<String> sseEvents(String name) {
        String text = text(name);
        List<String> events = new ArrayList<>();
        int start = 0;
        int end;
        while ((end = text.indexOf("\n\n", start)) >= 0) {
            events.add(text.substring(start, end + 2));
            start = end + 2;
        }
        if (start < text.length()) {
            throw new IllegalStateException(name + " does not end with a blank line");
        }
        return events;
    }

    /**
     * The embeddings fixture as OpenAI sends it for {@code "encoding_format":"base64"}: each
     * vector as its float32 values, little-endian, in base64.
     */
    public static String embeddingsAsBase64() {
        ObjectNode root = (ObjectNode) json(EMBEDDINGS);
        for (JsonNode item : root.path("data")) {
            JsonNode vector = item.path("embedding");
            ByteBuffer bytes = ByteBuffer.allocate(4 * vector.size()).order(ByteOrder.LITTLE_ENDIAN);
            vector.forEach(value -> bytes.putFloat(value.floatValue()));
            ((ObjectNode) item).put("embedding", Base64.getEncoder().encodeToString(bytes.array()));
        }
        return root.toString();
    }

    /** The assistant's text of the non-stream chat fixture. */
    public static String chatContent() {
        return json(CHAT).path("choices").path(0).path("message").path("content").asText();
    }

    /** The assistant's text of the stream fixture: every chunk's delta content joined. */
    public static String streamContent() {
        StringBuilder text = new StringBuilder();
        for (String payload : SseText.dataPayloads(text(CHAT_STREAM))) {
            if (!payload.equals("[DONE]")) {
                for (JsonNode choice : parse(payload).path("choices")) {
                    text.append(choice.path("delta").path("content").asText(""));
                }
            }
        }
        return text.toString();
    }

    /** The usage the stream fixture reports in its usage-only chunk. */
    public static Usage streamUsage() {
        for (String payload : SseText.dataPayloads(text(CHAT_STREAM))) {
            if (!payload.equals("[DONE]") && parse(payload).path("usage").isObject()) {
                return usageOf(parse(payload));
            }
        }
        throw new IllegalStateException("the stream fixture carries no usage");
    }

    public static Usage usageOf(JsonNode response) {
        JsonNode usage = response.path("usage");
        return new Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                usage.path("prompt_tokens_details").path("cached_tokens").asLong());
    }

    /**
     * What a usage costs in USD at prices per million tokens, computed here independently of
     * the gateway: uncached prompt at {@code input}, cached prompt at {@code cachedInput},
     * completion at {@code output}, rounded up to whole nano-dollars.
     */
    public static BigDecimal costUsd(Usage usage, String input, String cachedInput, String output) {
        BigDecimal uncached = BigDecimal.valueOf(usage.promptTokens() - usage.cachedPromptTokens());
        BigDecimal usd = new BigDecimal(input).multiply(uncached)
                .add(new BigDecimal(cachedInput).multiply(BigDecimal.valueOf(usage.cachedPromptTokens())))
                .add(new BigDecimal(output).multiply(BigDecimal.valueOf(usage.completionTokens())))
                .divide(BigDecimal.valueOf(1_000_000));
        return usd.setScale(9, RoundingMode.CEILING);
    }
}
