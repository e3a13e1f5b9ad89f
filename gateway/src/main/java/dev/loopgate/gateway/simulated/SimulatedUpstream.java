package dev.loopgate.gateway.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.config.SimulatedOptions;
import dev.loopgate.gateway.tokens.TokenEstimator;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible provider served on a loopback port inside the gateway process.
 * Calls reach it through the same adapter, pool and relay as a real provider, so a
 * dry run exercises everything but the spending. Latency, chunk pacing and a failure
 * rate come from config.
 */
public final class SimulatedUpstream {
    private final Vertx vertx;
    private final SimulatedOptions options;
    private final SimulatedAnswers answers = new SimulatedAnswers(new TokenEstimator());
    private final AtomicLong ids = new AtomicLong();
    private HttpServer server;

    public SimulatedUpstream(Vertx vertx, SimulatedOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    /** Starts serving; completes with the base URL to send calls to. */
    public Future<URI> start() {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
                .requestHandler(this::handle);
        return server.listen().map(s -> URI.create("http://127.0.0.1:" + s.actualPort() + "/v1"));
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    private void handle(HttpServerRequest request) {
        long latency = options.latency().toMillis();
        request.body().onSuccess(body -> {
            if (latency <= 0) {
                answer(request, body);
            } else {
                vertx.setTimer(latency, id -> answer(request, body));
            }
        });
    }

    private void answer(HttpServerRequest request, Buffer body) {
        HttpServerResponse response = request.response();
        if (response.closed()) {
            return;
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            error(response, 400, "invalid_request_error", "the body is not JSON");
            return;
        }
        if (ThreadLocalRandom.current().nextDouble() < options.failureRate()) {
            error(response, 503, "server_error", "simulated upstream failure");
            return;
        }
        String path = request.path();
        if (path.endsWith("/chat/completions")) {
            String id = "chatcmpl-sim-" + ids.incrementAndGet();
            List<String> pieces = answers.pieces(json);
            if (json.path("stream").asBoolean(false)) {
                stream(response, json, id, pieces);
            } else {
                json(response, answers.completion(json, id, pieces).toString());
            }
        } else if (path.endsWith("/embeddings")) {
            json(response, answers.embeddings(json).toString());
        } else {
            error(response, 404, "invalid_request_error", "unknown path " + path);
        }
    }

    private void stream(HttpServerResponse response, JsonNode request, String id, List<String> pieces) {
        response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream");
        boolean includeUsage = request.path("stream_options").path("include_usage").asBoolean(false);
        int events = pieces.size() + 2 + (includeUsage ? 1 : 0);
        sendEvent(response, request, id, pieces, 0, events);
    }

    /** Sends event {@code index}: role, each piece, finish, optional usage, then {@code [DONE]}. */
    private void sendEvent(HttpServerResponse response, JsonNode request, String id, List<String> pieces,
            int index, int events) {
        if (response.closed()) {
            return;
        }
        if (index == events) {
            response.end("data: [DONE]\n\n");
            return;
        }
        String data;
        if (index == 0) {
            data = answers.chunk(request, id, "assistant", "", null).toString();
        } else if (index <= pieces.size()) {
            data = answers.chunk(request, id, null, pieces.get(index - 1), null).toString();
        } else if (index == pieces.size() + 1) {
            data = answers.chunk(request, id, null, null, "stop").toString();
        } else {
            data = answers.usageChunk(request, id, pieces).toString();
        }
        response.write("data: " + data + "\n\n");
        long pause = options.chunkInterval().toMillis();
        if (pause <= 0) {
            vertx.runOnContext(v -> sendEvent(response, request, id, pieces, index + 1, events));
        } else {
            vertx.setTimer(pause, t -> sendEvent(response, request, id, pieces, index + 1, events));
        }
    }

    private static void json(HttpServerResponse response, String body) {
        response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }

    private static void error(HttpServerResponse response, int status, String type, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putObject("error").put("message", message).put("type", type).putNull("code");
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.toString());
    }
}
