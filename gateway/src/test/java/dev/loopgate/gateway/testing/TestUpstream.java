package dev.loopgate.gateway.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenAI-compatible upstream on a loopback port: it answers as scripted (recorded
 * fixtures by default), records every request it received, and notices when a
 * connection it served is closed. Scripts and records may be read from any thread.
 */
public final class TestUpstream implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;
    private final List<ReceivedRequest> received = new CopyOnWriteArrayList<>();
    private final Map<HttpConnection, CompletableFuture<Void>> connections = new ConcurrentHashMap<>();
    private volatile UpstreamAnswer answer = UpstreamAnswer.recorded();

    private TestUpstream(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .connectionHandler(this::opened)
                .requestHandler(this::handle);
    }

    public static TestUpstream start(Vertx vertx) {
        TestUpstream upstream = new TestUpstream(vertx);
        try {
            upstream.server.listen().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the test upstream did not start", e);
        }
        return upstream;
    }

    /** The base URL a provider's {@code base_url} points at. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    /** Answers every following request this way, until changed or {@link #reset()}. */
    public void answer(UpstreamAnswer answer) {
        this.answer = answer;
    }

    /** Back to recorded answers, with nothing received. */
    public void reset() {
        answer = UpstreamAnswer.recorded();
        received.clear();
    }

    public List<ReceivedRequest> received() {
        return List.copyOf(received);
    }

    /** The one request received so far; fails when there were none or several. */
    public ReceivedRequest onlyRequest() {
        List<ReceivedRequest> all = received();
        if (all.size() != 1) {
            throw new AssertionError("expected exactly one upstream request, got " + all.size() + ": " + all);
        }
        return all.get(0);
    }

    /** Waits until {@code count} requests have arrived; requests reach this server before their answers leave. */
    public List<ReceivedRequest> awaitRequests(int count) {
        if (!Poll.until(Poll.WAIT, () -> received.size() >= count)) {
            throw new AssertionError("expected " + count + " upstream requests, got " + received.size());
        }
        return received();
    }

    @Override
    public void close() {
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the test upstream did not stop", e);
        }
    }

    private void opened(HttpConnection connection) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        connections.put(connection, closed);
        connection.closeHandler(v -> closed.complete(null));
    }

    private void handle(HttpServerRequest request) {
        HttpConnection connection = request.connection();
        CompletableFuture<Void> closed = connections.computeIfAbsent(connection, c -> new CompletableFuture<>());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
        request.body().onSuccess(body -> {
            ReceivedRequest one = new ReceivedRequest(request.method().name(), request.path(), headers,
                    body.toString(), closed, () -> connection.close());
            received.add(one);
            answer.serve(vertx, request, one);
        });
    }
}
