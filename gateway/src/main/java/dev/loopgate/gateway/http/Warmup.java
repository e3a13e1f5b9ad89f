package dev.loopgate.gateway.http;

import dev.loopgate.gateway.call.CallSink;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway's own request path hot before the real gateway listens, so a replica that
 * joins a rolling deploy serves at full speed from its first call instead of at a fraction of it
 * while the JIT compiles: a private gateway on a loopback port, with a simulated provider, its
 * own key and an audit store in a scratch directory (nothing of it reaches the real audit trail,
 * ledger or Redis), is sent chat, Messages and Responses calls, whole and streamed, until
 * {@code calls} are done or {@code budget} has passed; then it is closed and its files deleted.
 */
public final class Warmup {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static final int CONCURRENCY = 16;
    private static final String[] PATHS = {"/v1/chat/completions", "/v1/chat/completions", "/v1/messages", "/v1/responses"};

    private Warmup() {
    }

    /** Completes once warmed; never fails (a warm-up that cannot run only leaves the JIT cold). */
    public static Future<Void> run(Vertx vertx, int instances, int calls, Duration budget) {
        Path dir;
        try {
            dir = Files.createTempDirectory("loopgate-warmup");
        } catch (IOException e) {
            LOG.warn("warm-up skipped: {}", e.toString());
            return Future.succeededFuture();
        }
        String key = "lg-warmup-" + UUID.randomUUID();
        GatewayConfig config = ConfigLoader.parse(config(dir, key), Map.of());
        long started = System.nanoTime();
        return Gateway.start(vertx, config, instances, CallSink.NONE).compose(gateway -> {
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(CONCURRENCY));
            long deadline = started + budget.toNanos();
            AtomicInteger sent = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            Promise<Void> finished = Promise.promise();
            AtomicInteger running = new AtomicInteger(CONCURRENCY);
            for (int i = 0; i < CONCURRENCY; i++) {
                next(client, gateway.port(), key, calls, deadline, sent, done, running, finished);
            }
            return finished.future()
                    .eventually(client::close)
                    .eventually(gateway::close)
                    .onSuccess(v -> LOG.info("warmed up: {} calls in {} ms", done.get(),
                            (System.nanoTime() - started) / 1_000_000));
        }).recover(failure -> {
            LOG.warn("warm-up stopped early: {}", failure.toString());
            return Future.succeededFuture();
        }).eventually(() -> vertx.executeBlocking(() -> {
            deleteTree(dir);
            return null;
        }, false)).mapEmpty();
    }

    /** One caller of the closed loop: sends the next call when the last has been read. */
    private static void next(HttpClient client, int port, String key, int calls, long deadline, AtomicInteger sent,
            AtomicInteger done, AtomicInteger running, Promise<Void> finished) {
        int n = sent.getAndIncrement();
        if (n >= calls || System.nanoTime() > deadline) {
            if (running.decrementAndGet() == 0) {
                finished.tryComplete();
            }
            return;
        }
        String path = PATHS[n % PATHS.length];
        boolean stream = (n / PATHS.length) % 2 == 1;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
                .setURI(path).putHeader("authorization", "Bearer " + key).putHeader("content-type", "application/json")
                .putHeader("x-loop-id", "warmup-" + (n % 8));
        client.request(options)
                .compose(request -> request.send(Buffer.buffer(body(path, n, stream))))
                .compose(response -> response.body())
                .onComplete(answered -> {
                    done.incrementAndGet();
                    next(client, port, key, calls, deadline, sent, done, running, finished);
                });
    }

    private static String body(String path, int n, boolean stream) {
        String text = "warm-up call " + n + ": summarise the plan and list the next step.";
        return switch (path) {
            case "/v1/messages" -> "{\"model\":\"auto\",\"max_tokens\":64,\"stream\":" + stream
                    + ",\"system\":\"You are a careful agent.\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
            case "/v1/responses" -> "{\"model\":\"auto\",\"max_output_tokens\":64,\"stream\":" + stream + ",\"store\":false"
                    + ",\"instructions\":\"You are a careful agent.\",\"input\":\"" + text + "\"}";
            default -> "{\"model\":\"auto\",\"max_tokens\":64,\"stream\":" + stream + ",\"messages\":[{\"role\":\"system\","
                    + "\"content\":\"You are a careful agent.\"},{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
        };
    }

    private static String config(Path dir, String key) {
        String audit = dir.resolve("audit.db").toString().replace("\\", "/");
        return """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  warmup: { type: simulated, latency: 0ms, chunk_interval: 0ms }
                models:
                  warmup-large:  { provider: warmup, name: warmup-large,  input: 2.0, output: 8.0 }
                  warmup-medium: { provider: warmup, name: warmup-medium, input: 0.4, output: 1.6 }
                  warmup-small:  { provider: warmup, name: warmup-small,  input: 0.1, output: 0.4 }
                tiers: { frontier: [warmup-large], mid: [warmup-medium], light: [warmup-small] }
                keys:
                  - { name: warmup, role: loop, key: "%s", loops: ["warmup-*"] }
                audit: { url: "jdbc:sqlite:%s", spool_dir: "%s" }
                """.formatted(key, audit, dir.resolve("spool").toString().replace("\\", "/"));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("warm-up files left in {}: {}", dir, e.toString());
        }
    }
}
