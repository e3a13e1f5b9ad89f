package dev.loopgate.gateway.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/** The one JSON mapper for request and response bodies: built once, thread-safe. */
public final class Json {
    /**
     * Rejects duplicate keys, so no two readers of one body can disagree about it; keeps decimals
     * as written ({@code 0.70} stays {@code 0.70}), so a forwarded body keeps the caller's numbers.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private Json() {
    }

    /** A request tree as the bytes sent upstream. */
    public static Buffer bytes(JsonNode tree) {
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }
}
