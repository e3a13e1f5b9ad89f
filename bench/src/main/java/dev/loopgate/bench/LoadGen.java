package dev.loopgate.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTP load generator for OpenAI-compatible chat endpoints, with HdrHistogram latencies.
 *
 * <ul>
 *   <li>{@code --mode closed --connections N}: N keep-alive connections, each sending its next
 *       request as soon as the last answer ended: the most the target can serve.</li>
 *   <li>{@code --mode open --rate R}: R requests per second on a fixed schedule whatever the
 *       target does, latency measured from each request's intended start (corrected for
 *       coordinated omission), at most {@code --connections} open at once.</li>
 * </ul>
 * Every run is bounded: {@code --warmup} (not measured), {@code --duration} (measured), then at
 * most {@code --drain} for answers still coming, after which they count as {@code incomplete}.
 * For streams ({@code --stream}) it reports time to first body byte and to the last, reads and
 * SSE events per answer, and counts an answer not ending with {@code [DONE]} as an error.
 * The result is JSON on stdout (and in {@code --out}).
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.loopgate.bench.LoadGen --url http://127.0.0.1:8080/v1/chat/completions \
 *     --mode open --rate 1000 --duration 10s --warmup 2s --header "Authorization: Bearer k" [--stream] [--loop-ids 10]
 * </pre>
 */
public final class LoadGen {
    private LoadGen() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options;
        try {
            options = LoadOptions.from(Flags.parse(args, LoadOptions.FLAGS));
        } catch (IllegalArgumentException e) {
            System.err.println("loadgen: " + e.getMessage());
            System.exit(2);
            return;
        }
        JsonObject result = run(options);
        String text = result.encodePrettily();
        if (options.out() != null) {
            Files.writeString(Path.of(options.out()), text + "\n");
            System.out.println(summary(result));
        } else {
            System.out.println(text);
        }
        System.exit(0);
    }

    static JsonObject run(LoadOptions options) throws Exception {
        int loops = Math.max(1, Math.min(options.eventLoops(), options.connections()));
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
        try {
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            long measureFrom = start + options.warmup().toNanos();
            long end = measureFrom + options.duration().toNanos();
            LoadVerticle.Window window = new LoadVerticle.Window(start, measureFrom, end);
            RequestBodies bodies = new RequestBodies(options.model(), options.maxTokens(), options.stream(),
                    options.includeUsage(), options.url().getPath());
            // A random start: runs one after the other never send the same request again (a
            // gateway's repeat breaker would rightly pause a loop that did).
            AtomicLong sequence = new AtomicLong(java.util.concurrent.ThreadLocalRandom.current().nextLong(1L << 50));
            List<LoadVerticle> verticles = new ArrayList<>();
            for (int i = 0; i < loops; i++) {
                int share = options.connections() / loops + (i < options.connections() % loops ? 1 : 0);
                LoadVerticle v = new LoadVerticle(options, bodies, window, share, sequence);
                vertx.deployVerticle(v, new DeploymentOptions()).await(10, TimeUnit.SECONDS);
                verticles.add(v);
            }
            sleepUntil(start);
            if (options.openLoop()) {
                dispatch(verticles, options.rate(), start, end);
            } else {
                verticles.forEach(LoadVerticle::startClosedLoop);
            }
            sleepUntil(end);
            long deadline = end + options.drain().toNanos();
            List<Future<Tally>> drains = new ArrayList<>();
            for (LoadVerticle v : verticles) {
                drains.add(v.drain(deadline));
            }
            Future.all(drains).await(options.drain().toMillis() + 10_000, TimeUnit.MILLISECONDS);
            Tally total = new Tally();
            drains.forEach(f -> total.add(f.result()));
            return describe(options, total, (end - measureFrom) / 1e9);
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** Hands out intended start times on a fixed schedule, round robin over the event loops. */
    private static void dispatch(List<LoadVerticle> verticles, double rate, long start, long end) {
        double interval = 1e9 / rate;
        for (long i = 0; ; i++) {
            long intended = start + (long) (i * interval);
            if (intended >= end) {
                return;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            verticles.get((int) (i % verticles.size())).submit(intended);
        }
    }

    private static void sleepUntil(long nanos) {
        for (long wait = nanos - System.nanoTime(); wait > 0; wait = nanos - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    /** One line for a script's log: throughput, p50/p99 (and TTFB p99 for streams), errors. */
    static String summary(JsonObject r) {
        JsonObject latency = r.getJsonObject("latency_ms", new JsonObject());
        String line = String.format("%,.0f req/s ok, p50 %s ms, p99 %s ms", r.getDouble("throughput_rps", 0.0),
                latency.getValue("p50", "-"), latency.getValue("p99", "-"));
        JsonObject ttfb = r.getJsonObject("ttfb_ms");
        if (ttfb != null) {
            line += ", ttfb p99 " + ttfb.getValue("p99", "-") + " ms, " + r.getValue("events_per_stream") + " events/stream";
        }
        return line + ", errors " + r.getLong("error_count") + (r.getLong("error_count") > 0 ? " " + r.getJsonObject("errors").encode() : "");
    }

    private static JsonObject describe(LoadOptions options, Tally total, double seconds) {
        JsonObject json = new JsonObject();
        options.meta().forEach(json::put);
        json.put("url", options.url().toString())
                .put("mode", options.openLoop() ? "open" : "closed")
                .put("connections", options.connections())
                .put("duration_s", seconds)
                .put("warmup_s", options.warmup().toMillis() / 1000.0)
                .put("stream", options.stream())
                .put("loop_ids", options.loopIds())
                .put("same_body", options.sameBody());
        if (options.openLoop()) {
            json.put("rate", options.rate());
        }
        return json.mergeIn(total.toJson(seconds, options.stream()));
    }
}
