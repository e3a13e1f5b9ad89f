package dev.loopgate.gateway.tokens;

import com.fasterxml.jackson.databind.JsonNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts a request's prompt tokens before it is sent, for routing facts and the
 * worst-case reservation. Follows OpenAI's published chat accounting (3 tokens of
 * framing per message, 3 to prime the reply) over cl100k; an image counts as a
 * high-detail 512px tile set. An estimate: the provider's usage stays authoritative.
 */
public final class TokenEstimator {
    static final int TOKENS_PER_MESSAGE = 3;
    static final int TOKENS_PER_NAME = 1;
    static final int REPLY_PRIMING_TOKENS = 3;
    static final int TOKENS_PER_IMAGE = 765;

    private final TextCounts counts = new TextCounts();

    /** Prompt tokens of a chat completion request: messages, tools and response format. */
    public long chatPromptTokens(JsonNode request) {
        long tokens = REPLY_PRIMING_TOKENS;
        for (JsonNode message : request.path("messages")) {
            tokens += TOKENS_PER_MESSAGE;
            tokens += text(message.path("role"));
            tokens += content(message.path("content"));
            if (message.hasNonNull("name")) {
                tokens += TOKENS_PER_NAME + text(message.get("name"));
            }
            for (JsonNode call : message.path("tool_calls")) {
                tokens += text(call.path("function").path("name")) + text(call.path("function").path("arguments"));
            }
            tokens += text(message.path("tool_call_id"));
        }
        tokens += structure(request.get("tools"));
        tokens += structure(request.get("functions"));
        tokens += structure(request.path("response_format").get("json_schema"));
        return tokens;
    }

    /**
     * Prompt tokens of an Anthropic Messages request: the system prompt, every message's
     * blocks (text, tool calls and results, thinking; images and documents at a flat rate) and
     * the tool definitions.
     */
    public long messagesPromptTokens(JsonNode request) {
        long tokens = REPLY_PRIMING_TOKENS + blocks(request.path("system"));
        for (JsonNode message : request.path("messages")) {
            tokens += TOKENS_PER_MESSAGE + blocks(message.path("content"));
        }
        return tokens + structure(request.get("tools"));
    }

    /**
     * Prompt tokens of a Responses API request: the instructions, every input item (message
     * text, function calls and their outputs; images at a flat rate) and the tool definitions.
     */
    public long responsesPromptTokens(JsonNode request) {
        long tokens = REPLY_PRIMING_TOKENS + text(request.path("instructions"));
        JsonNode input = request.path("input");
        if (input.isTextual()) {
            return tokens + TOKENS_PER_MESSAGE + text(input) + structure(request.get("tools"));
        }
        for (JsonNode item : input) {
            tokens += TOKENS_PER_MESSAGE + text(item.path("name")) + text(item.path("arguments"))
                    + text(item.path("output"));
            JsonNode content = item.path("content");
            if (content.isTextual()) {
                tokens += text(content);
            }
            for (JsonNode part : content) {
                tokens += "input_image".equals(part.path("type").asText("")) ? TOKENS_PER_IMAGE : text(part.path("text"));
            }
        }
        return tokens + structure(request.get("tools"));
    }

    private long blocks(JsonNode content) {
        if (content.isTextual()) {
            return text(content);
        }
        long tokens = 0;
        for (JsonNode block : content) {
            switch (block.path("type").asText("")) {
                case "image", "document" -> tokens += TOKENS_PER_IMAGE;
                case "tool_use", "server_tool_use" -> tokens += text(block.path("name")) + structure(block.get("input"));
                case "tool_result" -> tokens += blocks(block.path("content"));
                case "thinking" -> tokens += text(block.path("thinking"));
                default -> tokens += text(block.path("text"));
            }
        }
        return tokens;
    }

    /** Tokens of an embeddings request's {@code input}: text, texts, or token arrays. */
    public long embeddingInputTokens(JsonNode request) {
        JsonNode input = request.path("input");
        if (input.isTextual()) {
            return text(input);
        }
        long tokens = 0;
        for (JsonNode item : input) {
            tokens += item.isArray() ? item.size() : item.isInt() ? 1 : text(item);
        }
        return tokens;
    }

    /** Tokens of plain text, as the completion side of a stream is counted when usage is missing. */
    public long text(String text) {
        return text.isEmpty() ? 0 : counts.count(text, Cl100k.ENCODING::countTokensOrdinary);
    }

    private long content(JsonNode content) {
        if (content.isTextual()) {
            return text(content);
        }
        long tokens = 0;
        for (JsonNode part : content) {
            String type = part.path("type").asText("");
            if ("text".equals(type)) {
                tokens += text(part.path("text"));
            } else if ("image_url".equals(type) || "image".equals(type)) {
                tokens += TOKENS_PER_IMAGE;
            }
        }
        return tokens;
    }

    private long text(JsonNode node) {
        return node.isTextual() ? text(node.asText()) : 0;
    }

    /** Tool and schema definitions reach the model as text close to their JSON form. */
    private long structure(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? 0 : text(node.toString());
    }

    /** The vocabulary takes about 13 MB: one copy per process, loaded on first use. */
    private static final class Cl100k {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }
}
