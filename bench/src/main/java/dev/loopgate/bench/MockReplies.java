package dev.loopgate.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The mock upstream's answers, in OpenAI's chat-completion wire format: a whole completion,
 * or the SSE events of a stream. Everything that does not depend on the request is built
 * once; the parts that depend on the model are cached per model name. One instance per
 * event loop (not thread-safe).
 */
final class MockReplies {
    private static final String ID = "chatcmpl-loopgate-bench";
    private static final long CREATED = 1_750_000_000L;
    static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final String content;
    private final String chunkContent;
    private final int chunks;
    private final Map<String, PerModel> byModel = new HashMap<>();

    /**
     * @param contentBytes the length of a whole answer's {@code message.content}
     * @param chunks       content chunks in a stream
     * @param chunkBytes   the length of each chunk's {@code delta.content}
     */
    MockReplies(int contentBytes, int chunks, int chunkBytes) {
        this.content = filler(contentBytes);
        this.chunkContent = filler(chunkBytes);
        this.chunks = chunks;
    }

    int chunks() {
        return chunks;
    }

    /** A whole answer. Usage: prompt tokens as given, completion tokens ≈ content bytes / 4. */
    Buffer completion(String model, int promptTokens) {
        PerModel m = perModel(model);
        int completionTokens = Math.max(1, content.length() / 4);
        return Buffer.buffer(m.completionHead.length() + 96)
                .appendBuffer(m.completionHead)
                .appendString("\"usage\":{\"prompt_tokens\":").appendString(Integer.toString(promptTokens))
                .appendString(",\"completion_tokens\":").appendString(Integer.toString(completionTokens))
                .appendString(",\"total_tokens\":").appendString(Integer.toString(promptTokens + completionTokens))
                .appendString("}}");
    }

    /** A whole Anthropic Messages answer, for {@code /v1/messages}: the same content and token counts. */
    Buffer message(String model, int promptTokens) {
        int outputTokens = Math.max(1, content.length() / 4);
        return Buffer.buffer("{\"id\":\"msg_loopgate_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + Json.encode(model) + ",\"content\":[{\"type\":\"text\",\"text\":" + Json.encode(content)
                + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":" + promptTokens
                + ",\"output_tokens\":" + outputTokens + "}}");
    }

    /** A whole Responses API response, for {@code /v1/responses}: the same content and token counts. */
    Buffer response(String model, int promptTokens) {
        int outputTokens = Math.max(1, content.length() / 4);
        return Buffer.buffer("{\"id\":\"resp_loopgate_bench\",\"object\":\"response\",\"created_at\":" + CREATED
                + ",\"status\":\"completed\",\"model\":" + Json.encode(model) + ",\"output\":[{\"type\":\"message\","
                + "\"id\":\"msg_loopgate_bench\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":"
                + "\"output_text\",\"annotations\":[],\"text\":" + Json.encode(content) + "}]}],\"usage\":{\"input_tokens\":"
                + promptTokens + ",\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":" + outputTokens
                + ",\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":" + (promptTokens + outputTokens)
                + "}}");
    }

    /** The first event: the assistant role and the first piece of content. */
    Buffer firstChunk(String model) {
        return perModel(model).first;
    }

    /** Every further content event (the same bytes each time). */
    Buffer chunk(String model) {
        return perModel(model).middle;
    }

    /** The event that carries {@code finish_reason: stop}. */
    Buffer finishChunk(String model) {
        return perModel(model).finish;
    }

    /** The usage event sent when the caller asked for {@code stream_options.include_usage}. */
    Buffer usageChunk(String model, int promptTokens) {
        int completionTokens = Math.max(1, chunks * chunkContent.length() / 4);
        return Buffer.buffer("data: {\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED
                + ",\"model\":" + Json.encode(model) + ",\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                + (promptTokens + completionTokens) + "}}\n\n");
    }

    private PerModel perModel(String model) {
        PerModel m = byModel.get(model);
        if (m == null) {
            if (byModel.size() > 64) {
                byModel.clear();
            }
            m = new PerModel(model, content, chunkContent);
            byModel.put(model, m);
        }
        return m;
    }

    private static String filler(int bytes) {
        String words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ";
        StringBuilder b = new StringBuilder(Math.max(bytes, 1));
        while (b.length() < bytes) {
            b.append(words, 0, Math.min(words.length(), bytes - b.length()));
        }
        return b.length() == 0 ? "x" : b.toString();
    }

    private static final class PerModel {
        final Buffer completionHead;
        final Buffer first;
        final Buffer middle;
        final Buffer finish;

        PerModel(String model, String content, String chunkContent) {
            String name = Json.encode(model);
            completionHead = Buffer.buffer(("{\"id\":\"" + ID + "\",\"object\":\"chat.completion\",\"created\":" + CREATED
                    + ",\"model\":" + name + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                    + Json.encode(content) + "},\"finish_reason\":\"stop\"}],").getBytes(StandardCharsets.UTF_8));
            String head = "data: {\"id\":\"" + ID + "\",\"object\":\"chat.completion.chunk\",\"created\":" + CREATED
                    + ",\"model\":" + name + ",\"choices\":[{\"index\":0,\"delta\":{";
            String piece = "\"content\":" + Json.encode(chunkContent);
            first = Buffer.buffer(head + "\"role\":\"assistant\"," + piece + "},\"finish_reason\":null}]}\n\n");
            middle = Buffer.buffer(head + piece + "},\"finish_reason\":null}]}\n\n");
            finish = Buffer.buffer(head + "},\"finish_reason\":\"stop\"}]}\n\n");
        }
    }
}
