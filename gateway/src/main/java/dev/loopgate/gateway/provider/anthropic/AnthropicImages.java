package dev.loopgate.gateway.provider.anthropic;

import static dev.loopgate.gateway.provider.anthropic.AnthropicWire.unsupported;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.wire.Json;
import java.util.Locale;

/**
 * An OpenAI {@code image_url} part as an Anthropic image block: a base64 data URL becomes
 * inline data with its media type, an http(s) URL a URL source that Anthropic fetches.
 * OpenAI's {@code detail} has no Anthropic counterpart and is dropped.
 */
final class AnthropicImages {
    private static final String BASE64_MARK = ";base64";

    private AnthropicImages() {
    }

    /** @param imageUrl the part's {@code image_url}: an object with {@code url}, or the URL itself */
    static ObjectNode block(JsonNode imageUrl, String path) {
        JsonNode url = imageUrl == null ? null : imageUrl.isTextual() ? imageUrl : imageUrl.get("url");
        if (url == null || !url.isTextual() || url.asText().isEmpty()) {
            throw unsupported("'" + path + ".image_url.url' must be a non-empty string.", path + ".image_url.url");
        }
        ObjectNode block = Json.MAPPER.createObjectNode().put("type", "image");
        block.set("source", source(url.asText(), path + ".image_url.url"));
        return block;
    }

    private static ObjectNode source(String url, String path) {
        ObjectNode source = Json.MAPPER.createObjectNode();
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("http://") || lower.startsWith("https://")) {
            return source.put("type", "url").put("url", url);
        }
        int comma = url.indexOf(',');
        if (!lower.startsWith("data:") || comma < 0) {
            throw unsupported("'" + path + "' must be an http(s) URL or a base64 data URL.", path);
        }
        String header = url.substring("data:".length(), comma);
        if (!header.toLowerCase(Locale.ROOT).endsWith(BASE64_MARK)) {
            throw unsupported("'" + path + "' is a data URL without base64 encoding; Anthropic models take"
                    + " inline images as base64 only.", path);
        }
        String params = header.substring(0, header.length() - BASE64_MARK.length());
        int semicolon = params.indexOf(';');
        String mediaType = (semicolon < 0 ? params : params.substring(0, semicolon)).trim();
        if (mediaType.isEmpty()) {
            throw unsupported("'" + path + "' is a data URL without a media type (e.g. data:image/png;base64,...).",
                    path);
        }
        return source.put("type", "base64").put("media_type", mediaType.toLowerCase(Locale.ROOT))
                .put("data", url.substring(comma + 1));
    }
}
