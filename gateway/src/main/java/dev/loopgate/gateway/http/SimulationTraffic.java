package dev.loopgate.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.ReportWindow;
import dev.loopgate.gateway.wire.Json;
import dev.loopgate.rules.RecordedCall;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The calls a rules simulation replays: sent in the request ({@code traffic}, an array, or
 * {@code traffic_jsonl}, text), or read from the audit store for a window
 * ({@code recorded: {"from": ..., "to": ...}}, the reports' dates; {} is the last 30 days).
 * The answer says where they came from, so a reader knows what the numbers cover.
 */
final class SimulationTraffic {
    /** Enough for a month of a busy gateway's calls, small enough to replay in a second or two. */
    static final int RECORDED_LIMIT = 100_000;

    record Calls(List<RecordedCall> calls, ObjectNode source) {
    }

    private SimulationTraffic() {
    }

    static Future<Calls> read(JsonNode body, AuditStore audit, Clock clock, Vertx vertx) {
        JsonNode recorded = body.get("recorded");
        if (recorded == null || recorded.isNull()) {
            List<RecordedCall> calls = fromRequest(body);
            return Future.succeededFuture(new Calls(calls, Json.MAPPER.createObjectNode()
                    .put("source", "request").put("calls", calls.size())));
        }
        if (!recorded.isObject()) {
            throw AdminBodies.invalid("'recorded' is an object like {\"from\": \"2026-11-01\", \"to\": \"2026-11-30\"}.");
        }
        long[] window;
        try {
            window = ReportWindow.window(text(recorded, "from"), text(recorded, "to"), clock);
        } catch (IllegalArgumentException e) {
            throw AdminBodies.invalid("recorded: " + e.getMessage());
        }
        return vertx.executeBlocking(() -> audit.recordedCalls(window[0], window[1], RECORDED_LIMIT), false)
                .map(traffic -> new Calls(traffic.calls(), Json.MAPPER.createObjectNode()
                        .put("source", "audit")
                        .put("from", Instant.ofEpochMilli(window[0]).toString())
                        .put("to", Instant.ofEpochMilli(window[1]).toString())
                        .put("calls", traffic.calls().size())
                        .put("truncated", traffic.truncated())));
    }

    private static List<RecordedCall> fromRequest(JsonNode body) {
        try {
            if (body.hasNonNull("traffic_jsonl")) {
                return RecordedCall.readJsonl(new StringReader(body.get("traffic_jsonl").asText()));
            }
            JsonNode traffic = body.path("traffic");
            if (!traffic.isMissingNode() && !traffic.isNull() && !traffic.isArray()) {
                throw new IllegalArgumentException("'traffic' must be an array of calls");
            }
            List<RecordedCall> calls = new ArrayList<>();
            for (JsonNode call : traffic) {
                calls.add(RecordedCall.fromJson(call));
            }
            return calls;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw AdminBodies.invalid("The recorded traffic could not be read: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
