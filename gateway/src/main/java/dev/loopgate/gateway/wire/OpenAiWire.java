package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Usage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.InputStream;

/** Pure converters for OpenAI's chat and embeddings wire format. */
public final class OpenAiWire {
    private OpenAiWire() {
    }

    /**
     * The body an OpenAI-compatible upstream receives: the caller's own, with {@code model}
     * set to the target's name, on streams usage requested so every call can be priced, and
     * where the caller set no output cap the one the budget reserved for ({@code outputCap},
     * as {@code max_completion_tokens}; 0 for calls without output, such as embeddings).
     */
    public static Buffer requestBody(ObjectNode body, String upstreamModel, boolean stream, int outputCap) {
        body.put("model", upstreamModel);
        if (outputCap > 0 && !body.hasNonNull("max_completion_tokens") && !body.hasNonNull("max_tokens")) {
            body.put("max_completion_tokens", outputCap);
        }
        if (stream) {
            ObjectNode options = body.get("stream_options") instanceof ObjectNode existing
                    ? existing : body.putObject("stream_options");
            options.put("include_usage", true);
        }
        return Json.bytes(body);
    }

    /**
     * Reads the top-level {@code usage} of a response or stream chunk without building a
     * tree, skipping everything else.
     *
     * @return the usage and whether the object carried no choices (a usage-only chunk), or
     *         null when it has no usage
     */
    public static UsageChunk readUsage(byte[] json, int offset, int length) throws IOException {
        return readUsage(Json.MAPPER.getFactory().createParser(json, offset, length));
    }

    /** As {@link #readUsage(byte[], int, int)}, reading a whole answer where it lies, without copying it. */
    public static UsageChunk readUsage(Buffer json) throws IOException {
        ByteBuf bytes = ((BufferInternal) json).getByteBuf();
        if (bytes.hasArray()) {
            return readUsage(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
        return readUsage(Json.MAPPER.getFactory().createParser((InputStream) new ByteBufInputStream(bytes)));
    }

    private static UsageChunk readUsage(JsonParser parser) throws IOException {
        Usage usage = null;
        boolean noChoices = true;
        try (JsonParser p = parser) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    usage = readUsageObject(p);
                } else if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
                    noChoices = p.nextToken() == JsonToken.END_ARRAY;
                    if (!noChoices) {
                        p.skipChildren();
                        skipRestOfArray(p);
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return usage == null ? null : new UsageChunk(usage, noChoices);
    }

    /**
     * Appends the text a model generated in a response or stream chunk (every
     * {@code content} and tool-call {@code arguments} string) to {@code into}, so a call
     * that ends without usage can still be charged by counting what was sent.
     */
    public static void appendGeneratedText(byte[] json, int offset, int length, StringBuilder into) throws IOException {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(json, offset, length)) {
            JsonToken token;
            String field = null;
            while ((token = p.nextToken()) != null) {
                if (token == JsonToken.FIELD_NAME) {
                    field = p.currentName();
                } else if (token == JsonToken.VALUE_STRING && ("content".equals(field) || "arguments".equals(field))) {
                    into.append(p.getText());
                }
            }
        }
    }

    /** Usage found in a response or chunk; {@code usageOnly} when it had no choices. */
    public record UsageChunk(Usage usage, boolean usageOnly) {
    }

    /**
     * Reads an OpenAI {@code usage} object. Besides OpenAI's fields it reads Loopgate's
     * {@code prompt_tokens_details.cache_write_tokens} (set by adapters of providers that
     * bill cache writes); counts out of range are clamped so that the parts fit the prompt.
     */
    private static Usage readUsageObject(JsonParser p) throws IOException {
        long prompt = 0;
        long completion = 0;
        long[] cache = {0, 0};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "prompt_tokens" -> prompt = value.isNumeric() ? p.getLongValue() : 0;
                case "completion_tokens" -> completion = value.isNumeric() ? p.getLongValue() : 0;
                case "prompt_tokens_details" -> cache = value == JsonToken.START_OBJECT ? readCache(p) : new long[] {0, 0};
                default -> p.skipChildren();
            }
        }
        prompt = Math.max(prompt, 0);
        long cached = Math.min(Math.max(cache[0], 0), prompt);
        long written = Math.min(Math.max(cache[1], 0), prompt - cached);
        return new Usage(prompt, Math.max(completion, 0), cached, written);
    }

    /** {@code prompt_tokens_details}: cached (read) tokens and cache-write tokens. */
    private static long[] readCache(JsonParser p) throws IOException {
        long[] cache = {0, 0};
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if ("cached_tokens".equals(field) && value.isNumeric()) {
                cache[0] = p.getLongValue();
            } else if ("cache_write_tokens".equals(field) && value.isNumeric()) {
                cache[1] = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return cache;
    }

    private static void skipRestOfArray(JsonParser p) throws IOException {
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
        }
    }
}
