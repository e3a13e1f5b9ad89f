package dev.loopgate.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A fast OpenAI-compatible upstream for load tests: {@code POST .../chat/completions} answers
 * a whole completion, or an SSE stream when the body asks {@code stream: true} (content chunks,
 * a finish chunk, the usage chunk when {@code stream_options.include_usage}, then
 * {@code [DONE]}). Any GET answers 200 {@code ok} (readiness). One server per event loop, all
 * on one port.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.loopgate.bench.MockUpstream --port 9999 \
 *     [--event-loops 2] [--latency 0ms] [--content-bytes 200] [--chunks 50] [--chunk-interval 2ms] [--chunk-bytes 8]
 * </pre>
 */
public final class MockUpstream extends VerticleBase {
    private static final Set<String> FLAGS = Set.of("host", "port", "event-loops", "latency", "content-bytes",
            "chunks", "chunk-interval", "chunk-bytes");

    private final Options options;
    private MockReplies replies;
    private HttpServer server;

    record Options(String host, int port, long latencyMillis, int contentBytes, int chunks, long chunkIntervalMillis,
            int chunkBytes) {
    }

    MockUpstream(Options options) {
        this.options = options;
    }

    public static void main(String[] args) {
        Flags flags = Flags.parse(args, FLAGS);
        int eventLoops = flags.integer("event-loops", Runtime.getRuntime().availableProcessors());
        Options options = new Options(flags.string("host", "127.0.0.1"), flags.integer("port", 9999),
                flags.duration("latency", java.time.Duration.ZERO).toMillis(), flags.integer("content-bytes", 200),
                flags.integer("chunks", 50), flags.duration("chunk-interval", java.time.Duration.ofMillis(2)).toMillis(),
                flags.integer("chunk-bytes", 8));
        if (options.chunks() < 1) {
            throw new IllegalArgumentException("--chunks must be at least 1");
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
        try {
            vertx.deployVerticle(() -> new MockUpstream(options), new DeploymentOptions().setInstances(eventLoops))
                    .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("mock upstream could not start: " + e.getMessage());
            vertx.close();
            System.exit(1);
        }
        System.out.println("mock upstream on " + options.host() + ":" + options.port() + " (" + eventLoops
                + " event loops, " + options + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "mock-shutdown"));
    }

    @Override
    public Future<?> start() {
        replies = new MockReplies(options.contentBytes(), options.chunks(), options.chunkBytes());
        server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port())
                        .setTcpNoDelay(true).setCompressionSupported(false).setIdleTimeout(300))
                .requestHandler(this::handle);
        return server.listen();
    }

    private void handle(HttpServerRequest request) {
        if (request.method() == HttpMethod.GET) {
            request.response().end("ok");
        } else if (request.method() == HttpMethod.POST && request.path().endsWith("/chat/completions")) {
            request.body().onSuccess(body -> answer(request.response(), body));
        } else if (request.method() == HttpMethod.POST
                && (request.path().endsWith("/messages") || request.path().endsWith("/responses"))) {
            boolean messages = request.path().endsWith("/messages");
            request.body().onSuccess(body -> {
                int promptTokens = Math.max(1, body.length() / 4);
                Buffer reply = messages ? replies.message(modelOf(body), promptTokens)
                        : replies.response(modelOf(body), promptTokens);
                later(options.latencyMillis(), () -> {
                    if (!request.response().closed()) {
                        request.response().putHeader("content-type", "application/json").end(reply);
                    }
                });
            });
        } else {
            request.response().setStatusCode(404).end();
        }
    }

    private void answer(HttpServerResponse response, Buffer body) {
        JsonObject json;
        try {
            json = body.toJsonObject();
        } catch (DecodeException | ClassCastException e) {
            response.setStatusCode(400).putHeader("content-type", "application/json")
                    .end("{\"error\":{\"message\":\"bad json\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        String model = json.getValue("model") instanceof String s ? s : "mock";
        int promptTokens = Math.max(1, body.length() / 4);
        if (Boolean.TRUE.equals(json.getValue("stream"))) {
            JsonObject streamOptions = json.getValue("stream_options") instanceof JsonObject o ? o : null;
            boolean usage = streamOptions != null && Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
            later(options.latencyMillis(), () -> new Stream(response, model, promptTokens, usage).start());
        } else {
            Buffer reply = replies.completion(model, promptTokens);
            later(options.latencyMillis(), () -> {
                if (!response.closed()) {
                    response.putHeader("content-type", "application/json").end(reply);
                }
            });
        }
    }

    private static String modelOf(Buffer body) {
        try {
            return body.toJsonObject().getValue("model") instanceof String s ? s : "mock";
        } catch (DecodeException | ClassCastException e) {
            return "mock";
        }
    }

    private void later(long millis, Runnable action) {
        if (millis <= 0) {
            action.run();
        } else {
            vertx.setTimer(millis, id -> action.run());
        }
    }

    /** One SSE answer: content chunks one interval apart, then finish, usage and {@code [DONE]}. */
    private final class Stream {
        private final HttpServerResponse response;
        private final String model;
        private final int promptTokens;
        private final boolean usage;
        private int sent;
        private long timer = -1;

        Stream(HttpServerResponse response, String model, int promptTokens, boolean usage) {
            this.response = response;
            this.model = model;
            this.promptTokens = promptTokens;
            this.usage = usage;
        }

        void start() {
            if (response.closed()) {
                return;
            }
            response.setChunked(true).putHeader("content-type", "text/event-stream")
                    .putHeader("cache-control", "no-cache");
            response.closeHandler(v -> cancel());
            response.write(replies.firstChunk(model));
            sent = 1;
            if (options.chunkIntervalMillis() <= 0) {
                while (sent < replies.chunks()) {
                    response.write(replies.chunk(model));
                    sent++;
                }
                finish();
            } else if (sent == replies.chunks()) {
                finish();
            } else {
                timer = vertx.setPeriodic(options.chunkIntervalMillis(), id -> next());
            }
        }

        private void next() {
            if (response.closed()) {
                cancel();
                return;
            }
            response.write(replies.chunk(model));
            if (++sent == replies.chunks()) {
                cancel();
                finish();
            }
        }

        private void finish() {
            response.write(replies.finishChunk(model));
            if (usage) {
                response.write(replies.usageChunk(model, promptTokens));
            }
            response.end(MockReplies.DONE);
        }

        private void cancel() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
