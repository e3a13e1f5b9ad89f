package dev.loopgate.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Writes {@code bench/results/<date>.md}, {@code <date>.json} and {@code latest.md} from one
 * {@code bench/run.sh} run directory: the machine, the JVM flags, every figure with ratio columns
 * against nginx and Portkey, the targets marked met or missed, and the profile if one
 * was taken.
 *
 * <pre>java -cp benchmarks.jar dev.loopgate.bench.ResultsReport --run-dir DIR --machine FILE --out-dir bench/results --date 2026-11-22 [--profile FILE]</pre>
 */
public final class ResultsReport {
    private static final Set<String> FLAGS = Set.of("run-dir", "machine", "out-dir", "date", "profile");

    private final Results r;
    private final StringBuilder md = new StringBuilder();

    private ResultsReport(Results results) {
        this.r = results;
    }

    public static void main(String[] args) throws IOException {
        Flags flags = Flags.parse(args, FLAGS);
        Path runDir = Path.of(flags.string("run-dir", "."));
        Path outDir = Path.of(flags.string("out-dir", "bench/results"));
        String date = flags.string("date", java.time.LocalDate.now().toString());
        Map<String, String> machine = keyValues(Path.of(flags.string("machine", runDir.resolve("machine.txt").toString())));
        String profile = flags.string("profile", null);
        String profileText = profile != null && Files.exists(Path.of(profile)) ? Files.readString(Path.of(profile)) : null;

        Results results = Results.read(runDir);
        List<Targets.Check> governed = Targets.check(results, Results.GOVERNED);
        List<Targets.Check> embedded = Targets.check(results, Results.EMBEDDED);
        String markdown = new ResultsReport(results).render(date, machine, governed, embedded, profileText);

        Files.createDirectories(outDir);
        Files.writeString(outDir.resolve(date + ".md"), markdown);
        Files.copy(outDir.resolve(date + ".md"), outDir.resolve("latest.md"), StandardCopyOption.REPLACE_EXISTING);
        JsonObject json = new JsonObject().put("date", date).put("machine", new JsonObject(new LinkedHashMap<>(machine)))
                .put("results", results.toJson())
                .put("targets", new JsonObject().put(Results.GOVERNED, Targets.toJson(governed))
                        .put(Results.EMBEDDED, Targets.toJson(embedded)));
        Files.writeString(outDir.resolve(date + ".json"), json.encodePrettily() + "\n");
        System.out.println(markdown);
    }

    private String render(String date, Map<String, String> machine, List<Targets.Check> governed,
            List<Targets.Check> embedded, String profile) {
        line("# Loopgate side by side: " + date);
        line("");
        line("One run of `bench/run.sh` on one machine: the same workloads, from the same load generator, through "
                + "each target to the same mock upstream. " + machine.getOrDefault("settings", ""));
        line("");
        line("## Machine and flags");
        line("");
        line("| | |");
        line("| --- | --- |");
        machine.forEach((k, v) -> {
            if (!k.equals("settings")) {
                line("| " + k + " | " + v.replace("|", "\\|") + " |");
            }
        });
        line("");
        targets(governed, embedded);
        closedLoop();
        openLoop();
        streams();
        ramp();
        line("## What skews the comparison");
        line("");
        line(Notes.SKEWS);
        if (profile != null) {
            line("## Where the time goes: Redis round trips and JFR profiles of Loopgate");
            line("");
            line(profile);
        }
        return md.toString();
    }

    private void targets(List<Targets.Check> governed, List<Targets.Check> embedded) {
        line("## Issue 6 targets");
        line("");
        line("| target | full governance | verdict | embedded defaults | verdict |");
        line("| --- | --- | --- | --- | --- |");
        for (int i = 0; i < governed.size(); i++) {
            Targets.Check g = governed.get(i);
            Targets.Check e = embedded.get(i);
            line("| " + g.target() + " | " + g.figure() + " | " + g.verdict() + " | " + e.figure() + " | " + e.verdict() + " |");
        }
        line("");
    }

    private void closedLoop() {
        line("## Small non-stream chat, closed loop, " + param(Results.CLOSED, "connections") + " connections (max throughput)");
        line("");
        line("Ratios: the target's req/s ÷ the peer's (higher is better). Latencies in ms.");
        line("");
        line("| target | req/s | × nginx | × Portkey | p50 | p90 | p99 | p99.9 | max | errors |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        Double nginx = r.figure(Results.NGINX, Results.CLOSED, "throughput_rps");
        Double portkey = r.figure(Results.PORTKEY, Results.CLOSED, "throughput_rps");
        for (String t : Results.TARGETS) {
            Double rps = r.figure(t, Results.CLOSED, "throughput_rps");
            line("| " + Results.label(t) + " | " + num(rps, "%,.0f") + " | " + ratio(rps, nginx) + " | "
                    + ratio(rps, portkey) + " | " + latencies(t, Results.CLOSED, "latency_ms") + " | "
                    + errors(t, Results.CLOSED) + " |");
        }
        line("");
    }

    private void openLoop() {
        line("## Small non-stream chat, open loop at " + param(Results.OPEN, "rate") + " req/s (latency from the intended send time)");
        line("");
        line("Added = the target's percentile − direct's. Ratios: the target's p99 ÷ the peer's (lower is better).");
        line("");
        line("| target | req/s done | p50 | p90 | p99 | p99.9 | max | added p50 | added p99 | p99 × nginx | p99 × Portkey | errors |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (String t : Results.TARGETS) {
            Double p99 = r.figure(t, Results.OPEN, "latency_ms.p99");
            line("| " + Results.label(t) + " | " + num(r.figure(t, Results.OPEN, "throughput_rps"), "%,.0f") + " | "
                    + latencies(t, Results.OPEN, "latency_ms") + " | " + added(t, Results.OPEN, "latency_ms.p50") + " | "
                    + added(t, Results.OPEN, "latency_ms.p99") + " | "
                    + ratio(p99, r.figure(Results.NGINX, Results.OPEN, "latency_ms.p99")) + " | "
                    + ratio(p99, r.figure(Results.PORTKEY, Results.OPEN, "latency_ms.p99")) + " | "
                    + errors(t, Results.OPEN) + " |");
        }
        line("");
    }

    private void streams() {
        line("## Streamed chat, 50 chunks, open loop at " + param(Results.STREAM, "rate") + " streams/s");
        line("");
        line("TTFB = time to the first body byte, TTLB = to the last, both from the intended send time (ms). "
                + "Reads/stream = network reads the client saw; events/stream = SSE `data:` events (50 content + "
                + "finish + `[DONE]` = 52). A stream not ending in `[DONE]` is an error. Ratios: TTFB p99 ÷ the peer's.");
        line("");
        line("| target | TTFB p50 | TTFB p99 | added TTFB p99 | TTLB p50 | TTLB p99 | reads/stream | events/stream | TTFB p99 × nginx | TTFB p99 × Portkey | errors |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (String t : Results.TARGETS) {
            Double ttfb = r.figure(t, Results.STREAM, "ttfb_ms.p99");
            line("| " + Results.label(t) + " | " + ms(r.figure(t, Results.STREAM, "ttfb_ms.p50")) + " | " + ms(ttfb)
                    + " | " + added(t, Results.STREAM, "ttfb_ms.p99") + " | "
                    + ms(r.figure(t, Results.STREAM, "latency_ms.p50")) + " | " + ms(r.figure(t, Results.STREAM, "latency_ms.p99"))
                    + " | " + num(r.figure(t, Results.STREAM, "reads_per_stream"), "%.1f") + " | "
                    + num(r.figure(t, Results.STREAM, "events_per_stream"), "%.1f") + " | "
                    + ratio(ttfb, r.figure(Results.NGINX, Results.STREAM, "ttfb_ms.p99")) + " | "
                    + ratio(ttfb, r.figure(Results.PORTKEY, Results.STREAM, "ttfb_ms.p99")) + " | "
                    + errors(t, Results.STREAM) + " |");
        }
        line("");
    }

    private void ramp() {
        List<Integer> levels = r.rampLevels();
        if (levels.isEmpty()) {
            return;
        }
        line("## Concurrency ramp: small non-stream chat, closed loop");
        line("");
        rampTable("req/s", levels, w -> r.figure(w.target, w.workload, "throughput_rps"), "%,.0f");
        rampTable("p99 ms", levels, w -> r.figure(w.target, w.workload, "latency_ms.p99"), "%.2f");
        StringBuilder head = new StringBuilder("| ratio of req/s |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (int c : levels) {
            head.append(" c=").append(c).append(" |");
            rule.append(" ---: |");
        }
        line(head.toString());
        line(rule.toString());
        for (String t : List.of(Results.EMBEDDED, Results.GOVERNED)) {
            for (String peer : List.of(Results.NGINX, Results.PORTKEY)) {
                StringBuilder row = new StringBuilder("| " + Results.label(t) + " × " + Results.label(peer) + " |");
                for (int c : levels) {
                    row.append(' ').append(ratio(r.figure(t, Results.RAMP + c, "throughput_rps"),
                            r.figure(peer, Results.RAMP + c, "throughput_rps"))).append(" |");
                }
                line(row.toString());
            }
        }
        line("");
    }

    private record Cell(String target, String workload) {
    }

    private void rampTable(String what, List<Integer> levels, Function<Cell, Double> value, String format) {
        StringBuilder head = new StringBuilder("| " + what + " |");
        StringBuilder rule = new StringBuilder("| --- |");
        for (int c : levels) {
            head.append(" c=").append(c).append(" |");
            rule.append(" ---: |");
        }
        line(head.toString());
        line(rule.toString());
        for (String t : Results.TARGETS) {
            StringBuilder row = new StringBuilder("| " + Results.label(t) + " |");
            for (int c : levels) {
                String cell = num(value.apply(new Cell(t, Results.RAMP + c)), format);
                long errors = errorCount(t, Results.RAMP + c);
                row.append(' ').append(cell).append(errors > 0 ? " (" + errors + " errors)" : "").append(" |");
            }
            line(row.toString());
        }
        line("");
    }

    /** A setting of a workload (connections, rate), from the first target that ran it. */
    private String param(String workload, String key) {
        for (String t : Results.TARGETS) {
            JsonObject json = r.get(t, workload);
            if (json != null && json.getValue(key) instanceof Number n) {
                return String.format("%,.0f", n.doubleValue());
            }
        }
        return "?";
    }

    private String latencies(String t, String workload, String what) {
        StringBuilder b = new StringBuilder();
        for (String p : List.of("p50", "p90", "p99", "p999", "max")) {
            b.append(b.length() == 0 ? "" : " | ").append(ms(r.figure(t, workload, what + "." + p)));
        }
        return b.toString();
    }

    private String added(String t, String workload, String path) {
        Double value = r.figure(t, workload, path);
        Double direct = r.figure(Results.DIRECT, workload, path);
        if (value == null || direct == null || t.equals(Results.DIRECT)) {
            return "–";
        }
        return String.format("%+.3f", value - direct);
    }

    private String errors(String t, String workload) {
        JsonObject json = r.get(t, workload);
        if (json == null) {
            return "n/a";
        }
        long count = json.getLong("error_count", 0L);
        return count == 0 ? "0" : count + " " + json.getJsonObject("errors").encode().replace("\"", "");
    }

    private long errorCount(String t, String workload) {
        JsonObject json = r.get(t, workload);
        return json == null ? 0 : json.getLong("error_count", 0L);
    }

    private static String ratio(Double value, Double peer) {
        return value == null || peer == null || peer == 0 ? "–" : String.format("%.2f", value / peer);
    }

    private static String ms(Double v) {
        return v == null ? "n/a" : v >= 100 ? String.format("%.1f", v) : String.format("%.3f", v);
    }

    private static String num(Double v, String format) {
        return v == null ? "n/a" : String.format(format, v);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }

    private static Map<String, String> keyValues(Path file) throws IOException {
        Map<String, String> map = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return map;
        }
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        return map;
    }
}
