package dev.loopgate.gateway.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.gateway.wire.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic answers in OpenAI's wire format: the same request always gets the
 * same words, and token counts are real counts of the prompt and of those words.
 */
final class SimulatedAnswers {
    private static final String[] WORDS = {
        "the", "loop", "checks", "its", "plan", "and", "writes", "a", "small", "patch", "tests", "pass",
        "next", "step", "reads", "file", "updates", "state", "result", "looks", "correct", "so", "we",
        "continue", "with", "review", "of", "change", "budget", "is", "fine", "model", "answer", "done",
    };
    private static final int WORDS_PER_CHUNK = 3;

    private final TokenEstimator tokens;

    SimulatedAnswers(TokenEstimator tokens) {
        this.tokens = tokens;
    }

    /** The answer's text pieces, one per streamed chunk; joined they are the whole answer. */
    List<String> pieces(JsonNode request) {
        SplittableRandom random = new SplittableRandom(request.path("messages").toString().hashCode() * 31L
                + request.path("model").asText().hashCode());
        int limit = request.path("max_tokens").asInt(request.path("max_completion_tokens").asInt(Integer.MAX_VALUE));
        int words = Math.min(12 + random.nextInt(60), Math.max(1, limit));
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (int i = 0; i < words; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            piece.append(i == 0 ? capitalize(word) : " " + word);
            if (i == words - 1) {
                piece.append('.');
            }
            if ((i + 1) % WORDS_PER_CHUNK == 0 || i == words - 1) {
                pieces.add(piece.toString());
                piece.setLength(0);
            }
        }
        return pieces;
    }

    ObjectNode completion(JsonNode request, String id, List<String> pieces) {
        String text = String.join("", pieces);
        ObjectNode root = envelope(request, id, "chat.completion");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        root.set("usage", usage(tokens.chatPromptTokens(request), tokens.text(text)));
        return root;
    }

    ObjectNode chunk(JsonNode request, String id, String roleOrNull, String content, String finishReason) {
        ObjectNode root = envelope(request, id, "chat.completion.chunk");
        ObjectNode choice = root.putArray("choices").addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (roleOrNull != null) {
            delta.put("role", roleOrNull);
        }
        if (content != null) {
            delta.put("content", content);
        }
        choice.put("finish_reason", finishReason);
        root.putNull("usage");
        return root;
    }

    ObjectNode usageChunk(JsonNode request, String id, List<String> pieces) {
        ObjectNode root = envelope(request, id, "chat.completion.chunk");
        root.putArray("choices");
        root.set("usage", usage(tokens.chatPromptTokens(request), tokens.text(String.join("", pieces))));
        return root;
    }

    ObjectNode embeddings(JsonNode request) {
        JsonNode input = request.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else {
            input.forEach(item -> texts.add(item.toString()));
        }
        ObjectNode root = Json.MAPPER.createObjectNode().put("object", "list");
        ArrayNode data = root.putArray("data");
        for (int i = 0; i < texts.size(); i++) {
            SplittableRandom random = new SplittableRandom(texts.get(i).hashCode());
            ArrayNode vector = data.addObject().put("object", "embedding").put("index", i).putArray("embedding");
            for (int d = 0; d < 16; d++) {
                vector.add(Math.round((random.nextDouble() * 2 - 1) * 1e6) / 1e6);
            }
        }
        root.put("model", request.path("model").asText());
        long prompt = tokens.embeddingInputTokens(request);
        root.putObject("usage").put("prompt_tokens", prompt).put("total_tokens", prompt);
        return root;
    }

    private static ObjectNode envelope(JsonNode request, String id, String object) {
        return Json.MAPPER.createObjectNode()
                .put("id", id)
                .put("object", object)
                .put("created", System.currentTimeMillis() / 1000)
                .put("model", request.path("model").asText());
    }

    private static ObjectNode usage(long prompt, long completion) {
        ObjectNode usage = Json.MAPPER.createObjectNode()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        usage.putObject("prompt_tokens_details").put("cached_tokens", 0);
        return usage;
    }

    private static String capitalize(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
