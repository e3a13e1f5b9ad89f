package dev.loopgate.gateway.testing;

import java.util.ArrayList;
import java.util.List;

/** Reads a whole SSE body as a client would: the payload of every {@code data:} line, in order. */
public final class SseText {
    private SseText() {
    }

    public static List<String> dataPayloads(String body) {
        List<String> payloads = new ArrayList<>();
        for (String line : body.split("\r\n|\n|\r")) {
            if (line.startsWith("data:")) {
                String payload = line.substring("data:".length());
                payloads.add(payload.startsWith(" ") ? payload.substring(1) : payload);
            }
        }
        return payloads;
    }
}
