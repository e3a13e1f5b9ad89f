package dev.loopgate.gateway.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.ParsedRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What makes two calls "the same request" for the no-progress breaker: the requested
 * model, the messages (with Anthropic's system prompt) and the tools. Sampling settings, stream flags and metadata do
 * not count: a loop that only changes its temperature is still stuck.
 */
public final class RequestHashes {
    private static final int HASH_BYTES = 16;

    private RequestHashes() {
    }

    public static String of(ParsedRequest request) {
        MessageDigest sha = sha256();
        JsonNode json = request.json();
        sha.update(request.requestedModel().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(json.path("messages").toString().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(json.path("tools").toString().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(json.path("input").toString().getBytes(StandardCharsets.UTF_8));
        for (String beside : new String[] {"system", "instructions"}) {
            // Anthropic's system prompt and the Responses API's instructions live beside the messages
            if (json.has(beside)) {
                sha.update((byte) 0);
                sha.update(json.get(beside).toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha.digest(), 0, HASH_BYTES);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
