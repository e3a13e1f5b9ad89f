package dev.loopgate.gateway.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Anthropic's error answers, {@code {"type":"error","error":{"type","message"}}}, as OpenAI's
 * {@code {"error":{"message","type","code","param"}}} with the status an OpenAI client
 * expects, so that SDKs raise their usual exceptions and retry what they would retry.
 */
public final class AnthropicErrors {
    /** Anthropic's "overloaded"; no OpenAI client knows it, all of them retry a 503. */
    static final int OVERLOADED = 529;

    private AnthropicErrors() {
    }

    public static int status(int anthropicStatus) {
        return anthropicStatus == OVERLOADED ? 503 : anthropicStatus;
    }

    /**
     * @param status the status as sent to the client (see {@link #status})
     * @param secret the provider's key, removed from the message should the provider ever echo it; may be null
     */
    public static Buffer body(int status, byte[] anthropicBody, String secret) {
        JsonNode error = parse(anthropicBody).path("error");
        String anthropicType = error.path("type").isTextual() ? error.path("type").asText() : null;
        String message = error.path("message").isTextual() ? error.path("message").asText()
                : "The provider answered HTTP " + status + " without an error message.";
        if (secret != null && !secret.isEmpty()) {
            message = message.replace(secret, "***");
        }
        ObjectNode out = Json.MAPPER.createObjectNode();
        ObjectNode fields = out.putObject("error")
                .put("message", message)
                .put("type", openAiType(anthropicType, status));
        if (anthropicType == null) {
            fields.putNull("code");
        } else {
            fields.put("code", anthropicType);
        }
        fields.putNull("param");
        return Buffer.buffer(out.toString());
    }

    static String openAiType(String anthropicType, int status) {
        if (anthropicType != null) {
            switch (anthropicType) {
                case "invalid_request_error", "not_found_error", "request_too_large":
                    return "invalid_request_error";
                case "authentication_error":
                    return "authentication_error";
                case "permission_error":
                    return "permission_error";
                case "rate_limit_error":
                    return "rate_limit_error";
                case "api_error", "overloaded_error", "timeout_error":
                    return "server_error";
                default:
                    break;
            }
        }
        return status >= 500 ? "server_error" : "invalid_request_error";
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode tree = Json.MAPPER.readTree(body);
            return tree == null ? MissingNode.getInstance() : tree;
        } catch (IOException notJson) {
            // A proxy's HTML page, or a cut body: the status alone says what happened.
            return MissingNode.getInstance();
        }
    }
}
