package dev.loopgate.bench;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * What one event loop of the load generator measured: latency to the last byte and to the
 * first body byte (nanoseconds, 3 significant digits), successes, errors by kind, and for
 * streams the reads and SSE events per answer. Written by one thread; merged once the run is over.
 */
final class Tally {
    private static final long HIGHEST = TimeUnit.MINUTES.toNanos(10);

    final Histogram latency = new Histogram(HIGHEST, 3);
    final Histogram firstByte = new Histogram(HIGHEST, 3);
    final Map<String, Long> errors = new TreeMap<>();
    long sent;
    long ok;
    long reads;
    long events;

    void success(long latencyNanos, long firstByteNanos, int readCount, int eventCount) {
        ok++;
        latency.recordValue(clamp(latencyNanos));
        firstByte.recordValue(clamp(firstByteNanos));
        reads += readCount;
        events += eventCount;
    }

    void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    void add(Tally other) {
        latency.add(other.latency);
        firstByte.add(other.firstByte);
        other.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
        sent += other.sent;
        ok += other.ok;
        reads += other.reads;
        events += other.events;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    JsonObject toJson(double seconds, boolean stream) {
        JsonObject json = new JsonObject()
                .put("sent", sent)
                .put("ok", ok)
                .put("error_count", errorCount())
                .put("errors", new JsonObject(new TreeMap<>(errors)))
                .put("throughput_rps", round(ok / seconds, 1))
                .put("latency_ms", percentiles(latency));
        if (stream) {
            json.put("ttfb_ms", percentiles(firstByte))
                    .put("reads_per_stream", ok == 0 ? 0 : round((double) reads / ok, 2))
                    .put("events_per_stream", ok == 0 ? 0 : round((double) events / ok, 2));
        }
        return json;
    }

    private static JsonObject percentiles(Histogram h) {
        JsonObject p = new JsonObject();
        if (h.getTotalCount() == 0) {
            return p;
        }
        return p.put("p50", ms(h.getValueAtPercentile(50)))
                .put("p90", ms(h.getValueAtPercentile(90)))
                .put("p99", ms(h.getValueAtPercentile(99)))
                .put("p999", ms(h.getValueAtPercentile(99.9)))
                .put("max", ms(h.getMaxValue()))
                .put("mean", round(h.getMean() / 1e6, 3));
    }

    private static double ms(long nanos) {
        return round(nanos / 1e6, 3);
    }

    private static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    private static long clamp(long nanos) {
        return Math.max(0, Math.min(HIGHEST, nanos));
    }
}
