package dev.loopgate.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens many streaming chat calls to a running gateway at once (HTTP/1.1, one connection each),
 * reads them to the end, and while all are open samples the gateway process's RSS and heap.
 * Prints a markdown report: memory idle, with every stream open and after; how the streams
 * ended (each must end with {@code data: [DONE]}). Exits 1 when a stream failed.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.loopgate.bench.StreamMemoryClient \
 *     --port 8080 --key KEY --pid 1234 [--streams 1000] [--prompt-bytes 0] [--deadline-s 240] \
 *     [--out report.md] [--row row.md]</pre>
 *
 * <p>{@code --prompt-bytes} pads each user message to about that size, as agent transcripts are;
 * {@code --row} gets one markdown table row of the headline figures, for a summary of several runs.
 */
public final class StreamMemoryClient {
    private static final long RSS_EVERY_MS = 250;
    private static final int HEAP_EVERY_TICKS = 8;
    /** How long every stream must have been open before the live heap is measured. */
    private static final long SETTLE_MS = 3_000;
    private static final int HISTOGRAM_ROWS = 25;

    /** One call's progress; written on its event loop, read after {@link #done} counts it. */
    private static final class Stream {
        long startNanos;
        long endNanos;
        boolean open;
        int events;
        byte lastByte;
        byte[] tail = new byte[0];
        String failure;
    }

    private final Map<String, String> args;
    private final int streams;
    private final String padding;
    private final StreamMemorySampler sampler;
    private final Stream[] calls;
    private final AtomicInteger open = new AtomicInteger();
    private final CountDownLatch done;

    private StreamMemoryClient(Map<String, String> args) {
        this.args = args;
        this.streams = Integer.parseInt(args.getOrDefault("streams", "1000"));
        this.padding = padding(Integer.parseInt(args.getOrDefault("prompt-bytes", "0")));
        this.sampler = new StreamMemorySampler(Long.parseLong(required("pid")));
        this.calls = new Stream[streams];
        this.done = new CountDownLatch(streams);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        System.exit(new StreamMemoryClient(args).run() ? 0 : 1);
    }

    private boolean run() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args.getOrDefault("deadline-s", "240")));
        StreamMemoryReport report = new StreamMemoryReport(streams);
        report.idleLiveBytes = StreamMemorySampler.histogramTotalBytes(sampler.classHistogram(0));
        report.idleRss = sampler.rss();
        report.idleHeap = sampler.heap();

        Vertx vertx = Vertx.vertx();
        HttpClientAgent client = vertx.httpClientBuilder()
                .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true)
                        .setTcpNoDelay(true).setDefaultHost(args.getOrDefault("host", "127.0.0.1"))
                        .setDefaultPort(Integer.parseInt(required("port"))).setConnectTimeout(30_000))
                .with(new PoolOptions().setHttp1MaxSize(streams).setMaxWaitQueueSize(-1))
                .build();
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            open(client, i);
        }
        sampleUntilDone(report, start, deadline);
        report.finished = done.getCount() == 0;
        report.elapsedSeconds = (System.nanoTime() - start) / 1e9;
        client.close().await(10, TimeUnit.SECONDS);
        vertx.close().await(10, TimeUnit.SECONDS);

        report.afterRss = sampler.rss();
        report.afterHeap = sampler.heap();
        report.afterLiveBytes = StreamMemorySampler.histogramTotalBytes(sampler.classHistogram(0));
        for (Stream call : calls) {
            if (call.endNanos > 0 && call.failure == null) {
                report.durationsMs.add(TimeUnit.NANOSECONDS.toMillis(call.endNanos - call.startNanos));
                report.events.add(call.events);
            } else {
                report.failures.merge(call.failure == null ? "did not finish before the deadline" : call.failure, 1,
                        Integer::sum);
            }
        }
        String markdown = report.markdown();
        System.out.print(markdown);
        if (args.containsKey("out")) {
            Files.writeString(Path.of(args.get("out")), markdown, StandardCharsets.UTF_8);
        }
        if (args.containsKey("row")) {
            Files.writeString(Path.of(args.get("row")), report.row(), StandardCharsets.UTF_8);
        }
        return report.finished && report.completed() == streams;
    }

    /**
     * Samples RSS every {@value #RSS_EVERY_MS} ms and the heap every few samples until every
     * stream has ended; once all have been open {@value #SETTLE_MS} ms, reads the live heap once.
     */
    private void sampleUntilDone(StreamMemoryReport report, long start, long deadline) throws InterruptedException {
        long allOpenAt = -1;
        for (int tick = 0; !done.await(RSS_EVERY_MS, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline; tick++) {
            int nowOpen = open.get();
            report.maxOpen = Math.max(report.maxOpen, nowOpen);
            StreamMemorySampler.Rss rss = sampler.rss();
            report.maxSampledRssKb = Math.max(report.maxSampledRssKb, rss.rssKb());
            if (nowOpen != streams) {
                continue;
            }
            long now = System.nanoTime();
            if (allOpenAt < 0) {
                allOpenAt = now;
                report.allOpenFromSeconds = (now - start) / 1e9;
            }
            report.allOpenSeconds = TimeUnit.NANOSECONDS.toSeconds(now - allOpenAt);
            if (report.maxRssAllOpen == null || rss.rssKb() > report.maxRssAllOpen.rssKb()) {
                report.maxRssAllOpen = rss;
            }
            if (report.openHistogram == null && now - allOpenAt > TimeUnit.MILLISECONDS.toNanos(SETTLE_MS)) {
                report.nativeMemory = sampler.nativeMemory();
                String histogram = sampler.classHistogram(HISTOGRAM_ROWS);
                if (open.get() == streams) { // else a stream ended meanwhile: try again
                    report.openHistogram = histogram;
                    report.openLiveBytes = StreamMemorySampler.histogramTotalBytes(histogram);
                }
            } else if (tick % HEAP_EVERY_TICKS == 0) {
                long used = sampler.heap().usedKb();
                if (open.get() == streams) {
                    report.maxHeapUsedAllOpenKb = Math.max(report.maxHeapUsedAllOpenKb, used);
                }
            }
        }
    }

    private void open(HttpClientAgent client, int i) {
        Stream call = new Stream();
        calls[i] = call;
        call.startNanos = System.nanoTime();
        JsonObject body = new JsonObject().put("model", args.getOrDefault("model", "mid")).put("stream", true)
                .put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "system")
                                .put("content", "You are a coding agent. Answer with the next patch only."))
                        .add(new JsonObject().put("role", "user").put("content",
                                "Stream " + i + " of " + streams + ": write the next patch for module " + (i % 37)
                                        + " and keep the tests green." + padding)));
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
                .putHeader("Authorization", "Bearer " + required("key"))
                .putHeader("Content-Type", "application/json")
                .putHeader("X-Loop-Id", "bench-memory-" + (i % 20))
                .putHeader("X-Loop-Step", Integer.toString(i));
        client.request(request)
                .compose(sent -> sent.send(body.toBuffer()))
                .onSuccess(response -> read(call, response))
                .onFailure(e -> end(call, "request failed: " + e.getMessage()));
    }

    private void read(Stream call, HttpClientResponse response) {
        if (response.statusCode() != 200) {
            response.body().onComplete(body -> end(call, "HTTP " + response.statusCode() + ": "
                    + (body.succeeded() ? body.result().toString() : "")));
            return;
        }
        call.open = true;
        open.incrementAndGet();
        response.handler(chunk -> onChunk(call, chunk));
        response.exceptionHandler(e -> end(call, "stream broke: " + e.getMessage()));
        response.endHandler(v -> {
            String tail = new String(call.tail, StandardCharsets.UTF_8).strip();
            if (tail.endsWith("data: [DONE]")) {
                end(call, null);
            } else {
                end(call, "ended without [DONE]: ..." + tail.replace('\n', ' '));
            }
        });
    }

    /** Counts SSE events (blank lines) and keeps the last bytes, where {@code [DONE]} must be. */
    private static void onChunk(Stream call, Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        byte previous = call.lastByte;
        for (byte b : bytes) {
            if (b == '\n' && previous == '\n') {
                call.events++;
            }
            previous = b;
        }
        call.lastByte = previous;
        byte[] joined = Arrays.copyOf(call.tail, call.tail.length + bytes.length);
        System.arraycopy(bytes, 0, joined, call.tail.length, bytes.length);
        call.tail = Arrays.copyOfRange(joined, Math.max(0, joined.length - 64), joined.length);
    }

    /** Counts the call ended: with {@code failure} null it ended with {@code [DONE]}. */
    private void end(Stream call, String failure) {
        if (call.endNanos != 0) {
            return;
        }
        call.endNanos = System.nanoTime();
        call.failure = failure;
        if (call.open) {
            open.decrementAndGet();
        }
        done.countDown();
    }

    /** Source-like text of about {@code bytes} bytes, appended to every prompt. */
    private static String padding(int bytes) {
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < bytes; line++) {
            text.append("\n    long part").append(line).append(" = upload(chunk, offset + ").append(line * 4096)
                    .append(", Duration.ofSeconds(30)); // retry a 5xx with backoff");
        }
        return text.toString();
    }

    private String required(String name) {
        String value = args.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }
}
