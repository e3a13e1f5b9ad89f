package dev.loopgate.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * What an upstream's error body says, in OpenAI's shape
 * {@code {"error":{"message","type","code"}}}: enough to tell a content refusal or an
 * exhausted quota from other refusals. Fields the body lacks are empty strings.
 *
 * @param innerCode Azure OpenAI's {@code error.innererror.code}
 */
public record UpstreamError(String message, String type, String code, String innerCode) {
    public static final UpstreamError NONE = new UpstreamError("", "", "", "");

    /** Reads an error body; anything that is not an OpenAI-shaped error reads as {@link #NONE}. */
    public static UpstreamError read(Buffer body) {
        if (body == null || body.length() == 0) {
            return NONE;
        }
        try {
            JsonNode error = Json.MAPPER.readTree(body.getBytes()).path("error");
            if (!error.isObject()) {
                return NONE;
            }
            return new UpstreamError(error.path("message").asText(""), error.path("type").asText(""),
                    error.path("code").asText(""), error.path("innererror").path("code").asText(""));
        } catch (IOException | RuntimeException malformed) {
            return NONE;
        }
    }

    /** OpenAI's 429 for an account out of credit: waiting does not help, another provider might. */
    public boolean quotaExhausted() {
        return "insufficient_quota".equals(code) || "insufficient_quota".equals(type);
    }
}
