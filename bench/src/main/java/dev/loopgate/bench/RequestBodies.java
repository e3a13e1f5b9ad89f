package dev.loopgate.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;

/**
 * The small chat request every target gets, byte for byte the same: a system and a user
 * message, {@code max_tokens}, and {@code stream} (with {@code stream_options} when usage is
 * asked for); or, for {@code /v1/messages} and {@code /v1/responses}, the same request in
 * Anthropic's Messages or the Responses API's form. The user message carries the request's sequence number, so no two requests of
 * a run are the same (an agent loop's are not either, and a gateway's repeat breaker must
 * not see a loop stuck on one request).
 */
final class RequestBodies {
    private final byte[] head;
    private final byte[] tail;

    RequestBodies(String model, int maxTokens, boolean stream, boolean includeUsage, String path) {
        if (path.endsWith("/responses")) {
            String start = "{\"model\":" + Json.encode(model) + ",\"max_output_tokens\":" + maxTokens
                    + ",\"instructions\":\"You are a careful build agent. Answer in one short line.\",\"input\":\"Step ";
            String end = ": summarise the last test run of the nightly build in one line.\""
                    + (stream ? ",\"stream\":true" : "") + "}";
            this.head = start.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            this.tail = end.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return;
        }
        if (path.endsWith("/messages")) {
            String start = "{\"model\":" + Json.encode(model) + ",\"max_tokens\":" + maxTokens
                    + ",\"system\":\"You are a careful build agent. Answer in one short line.\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Step ";
            String end = ": summarise the last test run of the nightly build in one line.\"}]"
                    + (stream ? ",\"stream\":true" : "") + "}";
            this.head = start.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            this.tail = end.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            return;
        }
        String start = "{\"model\":" + Json.encode(model) + ",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"You are a careful build agent. Answer in one short line.\"},"
                + "{\"role\":\"user\",\"content\":\"Step ";
        String end = ": summarise the last test run of the nightly build in one line.\"}],\"max_tokens\":" + maxTokens
                + (stream ? ",\"stream\":true" : "")
                + (stream && includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "")
                + "}";
        this.head = start.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.tail = end.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    Buffer body(long sequence) {
        return Buffer.buffer(head.length + tail.length + 20)
                .appendBytes(head)
                .appendString(Long.toString(sequence))
                .appendBytes(tail);
    }
}
