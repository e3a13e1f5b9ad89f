package dev.loopgate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a hostile client does to a gateway, while a normal loop keeps calling: a flood of
 * unauthenticated connections that each announce a large body and send most of it, heads
 * trickled a byte a second, and connections opened and left silent. Measures the normal loop's
 * latency before and during the abuse, the gateway's heap (from its /metrics) and whether it is
 * alive afterwards. Every loop is bounded by --duration.
 *
 * <pre>
 * java -cp benchmarks.jar dev.loopgate.bench.AbuseLoad --url http://127.0.0.1:8080 --key KEY \
 *     --duration 20s --flood 64 --body-bytes 4000000 --slow-heads 300 --half-open 300 --out abuse.json
 * </pre>
 */
public final class AbuseLoad {
    private static final Set<String> FLAGS = Set.of("url", "key", "duration", "flood", "body-bytes", "slow-heads",
            "half-open", "reconnect-pause", "out");
    private static final String ABUSER_ADDRESS = "127.0.0.2";
    private static final String CHAT = "{\"model\":\"auto\",\"max_tokens\":16,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"next step\"}]}";

    private final URI base;
    private final String key;
    private final Duration duration;
    /** How long an abuser waits before it connects again; 0 is a connect storm, which costs the load generator the cores it shares. */
    private final long reconnectPauseMs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LongAdder floodAnswered = new LongAdder();
    private final LongAdder floodCut = new LongAdder();
    private final LongAdder floodBytesSent = new LongAdder();
    private final LongAdder slowCut = new LongAdder();
    private final LongAdder halfOpenCut = new LongAdder();
    private final LongAdder refusedConnects = new LongAdder();
    private final ConcurrentMap<Integer, LongAdder> floodStatuses = new ConcurrentHashMap<>();
    private final AtomicLong maxHeap = new AtomicLong();

    private AbuseLoad(URI base, String key, Duration duration, long reconnectPauseMs) {
        this.base = base;
        this.key = key;
        this.duration = duration;
        this.reconnectPauseMs = reconnectPauseMs;
    }

    public static void main(String[] args) throws Exception {
        Flags flags = Flags.parse(args, FLAGS);
        AbuseLoad bench = new AbuseLoad(URI.create(flags.string("url", "http://127.0.0.1:8080")),
                flags.string("key", ""), flags.duration("duration", Duration.ofSeconds(20)),
                flags.duration("reconnect-pause", Duration.ofMillis(100)).toMillis());
        String json = bench.run(flags.integer("flood", 64), flags.integer("body-bytes", 4_000_000),
                flags.integer("slow-heads", 300), flags.integer("half-open", 300));
        System.out.println(json);
        String out = flags.string("out", "");
        if (!out.isEmpty()) {
            Files.writeString(Path.of(out), json);
        }
    }

    private String run(int flood, int bodyBytes, int slowHeads, int halfOpen) throws Exception {
        long[] baseline = normalLoop(System.nanoTime() + duration.toNanos());
        long abuseEnds = System.nanoTime() + duration.toNanos();
        List<Thread> abusers = new ArrayList<>();
        for (int i = 0; i < flood; i++) {
            abusers.add(daemon(() -> flood(abuseEnds, bodyBytes)));
        }
        for (int i = 0; i < slowHeads; i++) {
            abusers.add(daemon(() -> slowHead(abuseEnds)));
        }
        for (int i = 0; i < halfOpen; i++) {
            abusers.add(daemon(() -> halfOpen(abuseEnds)));
        }
        Thread heap = daemon(() -> sampleHeap(abuseEnds));
        Thread.sleep(1000); // let the abuse build up before the normal loop is measured again
        long[] during = normalLoop(abuseEnds);
        for (Thread abuser : abusers) {
            abuser.join(15_000);
        }
        heap.join();
        boolean alive = status("/healthz") == 200;
        long[] after = normalLoop(System.nanoTime() + Duration.ofSeconds(3).toNanos());
        return json(flood, bodyBytes, slowHeads, halfOpen, baseline, during, after, alive);
    }

    /** Sequential calls of one loop until {@code endNanos}; the latencies in microseconds, failures as -1. */
    private long[] normalLoop(long endNanos) {
        List<Long> latencies = new ArrayList<>();
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .header("X-Loop-Id", "bench-loop-normal").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
        while (System.nanoTime() < endNanos) {
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                latencies.add(response.statusCode() == 200 ? (System.nanoTime() - start) / 1000 : -1L);
            } catch (IOException e) {
                latencies.add(-1L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return latencies.stream().mapToLong(Long::longValue).toArray();
    }

    /** Announces a large body without a key, sends all of it but its last byte, and waits to see what the gateway does. */
    private void flood(long endNanos, int bodyBytes) {
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bodyBytes + "\r\n\r\n";
        while (System.nanoTime() < endNanos) {
            try (Socket socket = connect()) {
                socket.setSoTimeout(5000);
                OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.US_ASCII));
                int sent = 0;
                try {
                    while (sent < bodyBytes - 1 && System.nanoTime() < endNanos) {
                        int n = Math.min(chunk.length, bodyBytes - 1 - sent);
                        out.write(chunk, 0, n);
                        sent += n;
                    }
                } catch (IOException cut) {
                    floodCut.increment();
                }
                floodBytesSent.add(sent);
                int status = readStatus(socket.getInputStream());
                if (status > 0) {
                    floodAnswered.increment();
                    floodStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                }
            } catch (IOException e) {
                refusedConnects.increment();
            }
            pause(reconnectPauseMs);
        }
    }

    /** A head sent one byte a second, reconnecting whenever the gateway cuts it. */
    private void slowHead(long endNanos) {
        byte[] head = ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + key
                + "\r\nX-Filler: " + "f".repeat(200) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() < endNanos) {
            try (Socket socket = connect()) {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < head.length - 1 && System.nanoTime() < endNanos; i++) {
                    out.write(head[i]);
                    out.flush();
                    pause(1000);
                }
            } catch (IOException cut) {
                slowCut.increment();
            }
            pause(reconnectPauseMs);
        }
    }

    /** A connection opened and left silent, reopened whenever the gateway closes it. */
    private void halfOpen(long endNanos) {
        while (System.nanoTime() < endNanos) {
            try (Socket socket = connect()) {
                socket.setSoTimeout(1000);
                InputStream in = socket.getInputStream();
                while (System.nanoTime() < endNanos) {
                    try {
                        if (in.read() < 0) {
                            halfOpenCut.increment();
                            break;
                        }
                    } catch (java.net.SocketTimeoutException stillOpen) {
                        // the gateway still holds it
                    }
                }
            } catch (IOException e) {
                halfOpenCut.increment();
            }
            pause(reconnectPauseMs);
        }
    }

    private void sampleHeap(long endNanos) {
        while (System.nanoTime() < endNanos) {
            try {
                HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                long heap = 0;
                for (String line : metrics.body().split("\n")) {
                    if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                        heap += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    }
                }
                maxHeap.accumulateAndGet(heap, Math::max);
            } catch (IOException | RuntimeException e) {
                // a gateway too busy to answer its metrics shows in the normal loop's latency
            } catch (InterruptedException e) {
                return;
            }
            pause(500);
        }
    }

    private static Thread daemon(Runnable work) {
        Thread thread = new Thread(null, work, "abuse", 256 * 1024);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Abusers come from another loopback address than the normal loop, as an attacker would from another host. */
    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(ABUSER_ADDRESS, 0));
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
        return socket;
    }

    private static int readStatus(InputStream in) {
        try {
            byte[] line = in.readNBytes(12);
            return line.length == 12 ? Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII)) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private int status(String path) {
        try {
            return http.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String json(int flood, int bodyBytes, int slowHeads, int halfOpen, long[] baseline, long[] during,
            long[] after, boolean alive) {
        StringBuilder statuses = new StringBuilder();
        floodStatuses.forEach((status, count) -> statuses.append(statuses.isEmpty() ? "" : ",")
                .append('"').append(status).append("\":").append(count.sum()));
        return String.format(Locale.ROOT, """
                {"duration_s":%d,"flood_connections":%d,"flood_body_bytes":%d,"slow_heads":%d,"half_open":%d,"reconnect_pause_ms":%d,
                 "normal_baseline":%s,
                 "normal_during_abuse":%s,
                 "normal_after":%s,
                 "flood_answers":{%s},"flood_cut_while_sending":%d,"flood_mb_sent":%.1f,
                 "slow_heads_cut":%d,"half_open_closed":%d,"connects_refused":%d,
                 "gateway_max_heap_mb":%.1f,"gateway_alive_after":%b}
                """, duration.toSeconds(), flood, bodyBytes, slowHeads, halfOpen, reconnectPauseMs, summary(baseline), summary(during),
                summary(after), statuses, floodCut.sum(), floodBytesSent.sum() / 1e6, slowCut.sum(), halfOpenCut.sum(),
                refusedConnects.sum(), maxHeap.get() / 1e6, alive);
    }

    private static String summary(long[] latencies) {
        long[] ok = Arrays.stream(latencies).filter(l -> l >= 0).sorted().toArray();
        long failed = latencies.length - ok.length;
        if (ok.length == 0) {
            return "{\"calls\":" + latencies.length + ",\"failed\":" + failed + "}";
        }
        return String.format(Locale.ROOT, "{\"calls\":%d,\"failed\":%d,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}",
                latencies.length, failed, ok[ok.length / 2] / 1000.0, ok[Math.min(ok.length - 1, (int) (ok.length * 0.99))] / 1000.0,
                ok[ok.length - 1] / 1000.0);
    }
}
