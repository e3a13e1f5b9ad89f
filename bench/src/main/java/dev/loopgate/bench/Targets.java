package dev.loopgate.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 6's targets, checked against one run's figures, for a Loopgate target (the targets
 * are stated for full governance; the embedded one is shown beside it). A target whose figures
 * are missing is "not measured", never "met".
 */
final class Targets {
    private Targets() {
    }

    record Check(String target, String figure, Boolean met) {
        String verdict() {
            return met == null ? "not measured" : met ? "**met**" : "**missed**";
        }
    }

    static List<Check> check(Results r, String loopgate) {
        List<Check> checks = new ArrayList<>();
        Double rps = r.figure(loopgate, Results.CLOSED, "throughput_rps");
        Double nginx = r.figure(Results.NGINX, Results.CLOSED, "throughput_rps");
        Double portkey = r.figure(Results.PORTKEY, Results.CLOSED, "throughput_rps");
        checks.add(ratio("Throughput ≥ 50% of nginx's (closed loop)", rps, nginx, 0.5, "%"));
        checks.add(ratio("Throughput ≥ 15× Portkey's (closed loop)", rps, portkey, 15, "×"));
        checks.add(added("Added latency at 1,000 req/s open loop: p50 ≤ 0.3 ms over direct",
                r.figure(loopgate, Results.OPEN, "latency_ms.p50"), r.figure(Results.DIRECT, Results.OPEN, "latency_ms.p50"),
                0.3));
        checks.add(added("Added latency at 1,000 req/s open loop: p99 ≤ 1 ms over direct",
                r.figure(loopgate, Results.OPEN, "latency_ms.p99"), r.figure(Results.DIRECT, Results.OPEN, "latency_ms.p99"),
                1.0));
        checks.add(added("Streams: added time to first byte p99 ≤ 1 ms",
                r.figure(loopgate, Results.STREAM, "ttfb_ms.p99"), r.figure(Results.DIRECT, Results.STREAM, "ttfb_ms.p99"),
                1.0));
        checks.add(notHeldBack(r, loopgate));
        checks.add(new Check("1,000 concurrent streams in ≤ 512 MB RSS",
                "measured by the memory benchmark (bench/memory), not by run.sh", null));
        checks.add(new Check("Rule evaluation over 50 rules: p99 ≤ 2 µs",
                "measured by JMH (RuleEvaluationBenchmark), not by run.sh", null));
        return checks;
    }

    private static Check ratio(String target, Double value, Double peer, double bar, String unit) {
        if (value == null || peer == null || peer == 0) {
            return new Check(target, "n/a", null);
        }
        double ratio = value / peer;
        String figure = unit.equals("%")
                ? String.format("%,.0f vs %,.0f req/s = %.1f%%", value, peer, 100 * ratio)
                : String.format("%,.0f vs %,.0f req/s = %.2f×", value, peer, ratio);
        return new Check(target, figure, ratio >= bar);
    }

    private static Check added(String target, Double value, Double direct, double bar) {
        if (value == null || direct == null) {
            return new Check(target, "n/a", null);
        }
        double added = value - direct;
        return new Check(target, String.format("%.3f − %.3f = %+.3f ms", value, direct, added), added <= bar);
    }

    /** Chunks not held back: every SSE event arrives, and in about as many reads as directly (≥ 90%). */
    private static Check notHeldBack(Results r, String loopgate) {
        String target = "Streams: chunks are not held back (same events; reads per stream ≥ 90% of direct's)";
        Double reads = r.figure(loopgate, Results.STREAM, "reads_per_stream");
        Double directReads = r.figure(Results.DIRECT, Results.STREAM, "reads_per_stream");
        Double events = r.figure(loopgate, Results.STREAM, "events_per_stream");
        Double directEvents = r.figure(Results.DIRECT, Results.STREAM, "events_per_stream");
        if (reads == null || directReads == null || events == null || directEvents == null) {
            return new Check(target, "n/a", null);
        }
        String figure = String.format("%.1f reads and %.1f events per stream (direct: %.1f and %.1f)", reads, events,
                directReads, directEvents);
        return new Check(target, figure, reads >= 0.9 * directReads && Math.abs(events - directEvents) < 0.01);
    }

    static JsonArray toJson(List<Check> checks) {
        JsonArray array = new JsonArray();
        checks.forEach(c -> array.add(new JsonObject().put("target", c.target()).put("figure", c.figure())
                .put("met", c.met())));
        return array;
    }
}
