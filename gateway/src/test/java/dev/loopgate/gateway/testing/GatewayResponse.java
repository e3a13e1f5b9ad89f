package dev.loopgate.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.MultiMap;
import java.util.List;

/** A whole answer from the gateway: status, headers and body text. */
public record GatewayResponse(int status, MultiMap headers, String body) {

    public String header(String name) {
        return headers.get(name);
    }

    public JsonNode json() {
        return Fixtures.parse(body);
    }

    /** The payloads of the body's SSE {@code data:} lines, for a streamed answer. */
    public List<String> dataPayloads() {
        return SseText.dataPayloads(body);
    }

    @Override
    public String toString() {
        return "HTTP " + status + " " + headers.entries() + "\n" + body;
    }
}
