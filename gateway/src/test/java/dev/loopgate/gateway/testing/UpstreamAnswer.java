package dev.loopgate.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.Context;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a {@link TestUpstream} answers a request: a recorded fixture, an error status, a
 * stream that is cut, stalls or never finishes. Runs on the upstream's event loop.
 */
@FunctionalInterface
public interface UpstreamAnswer {
    void serve(Vertx vertx, HttpServerRequest request, ReceivedRequest received);

    /**
     * What OpenAI would answer: chat JSON, a chat stream when {@code stream} is true (with
     * its usage chunk only when {@code stream_options.include_usage} asks for it), and
     * embeddings (as base64 when asked, which the official SDKs do by default).
     */
    static UpstreamAnswer recorded() {
        return (vertx, request, received) -> {
            if (received.path().endsWith("/chat/completions")) {
                JsonNode body = received.json();
                if (!body.path("stream").asBoolean(false)) {
                    json(200, Fixtures.CHAT).serve(vertx, request, received);
                } else if (body.path("stream_options").path("include_usage").asBoolean(false)) {
                    sse(Fixtures.CHAT_STREAM).serve(vertx, request, received);
                } else {
                    // Like OpenAI: the usage-only chunk is sent only to those who ask for it.
                    HttpServerResponse response = startStream(request);
                    Fixtures.sseEvents(Fixtures.CHAT_STREAM).stream()
                            .filter(event -> !event.contains("\"choices\":[]"))
                            .forEach(response::write);
                    response.end();
                }
            } else if (received.path().endsWith("/embeddings")) {
                boolean base64 = "base64".equals(received.json().path("encoding_format").asText());
                request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(base64 ? Fixtures.embeddingsAsBase64() : Fixtures.text(Fixtures.EMBEDDINGS));
            } else {
                request.response().setStatusCode(404).end();
            }
        };
    }

    /** A JSON fixture with the given status. */
    static UpstreamAnswer json(int status, String fixture) {
        String body = Fixtures.text(fixture);
        return (vertx, request, received) -> request.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body);
    }

    /** A JSON fixture with the given status and extra headers, e.g. {@code Retry-After}. */
    static UpstreamAnswer json(int status, String fixture, Map<String, String> headers) {
        String body = Fixtures.text(fixture);
        return (vertx, request, received) -> {
            HttpServerResponse response = request.response().setStatusCode(status);
            headers.forEach(response::putHeader);
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
        };
    }

    /** The first request gets {@code first}, every later one {@code then}. */
    static UpstreamAnswer firstThen(UpstreamAnswer first, UpstreamAnswer then) {
        AtomicInteger served = new AtomicInteger();
        return (vertx, request, received) ->
                (served.getAndIncrement() == 0 ? first : then).serve(vertx, request, received);
    }

    /**
     * Holds the request until the test completes {@code gate} with the answer to give:
     * a call that is under way for as long as the test needs.
     */
    static UpstreamAnswer gated(CompletableFuture<UpstreamAnswer> gate) {
        return (vertx, request, received) -> {
            Context context = vertx.getOrCreateContext();
            gate.thenAccept(answer -> context.runOnContext(v -> answer.serve(vertx, request, received)));
        };
    }

    /** Closes the connection as soon as the request has arrived: no status, no byte. */
    static UpstreamAnswer cutOnArrival() {
        return (vertx, request, received) -> received.cut();
    }

    /** A 200 and the first half of the chat fixture, then nothing more: a body that stalls. */
    static UpstreamAnswer partialJsonThenHang() {
        String body = Fixtures.text(Fixtures.CHAT);
        return (vertx, request, received) -> request.response()
                .setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .write(body.substring(0, body.length() / 2));
    }

    /** A 200 and the first half of the chat fixture, then the connection is closed. */
    static UpstreamAnswer partialJsonThenCut() {
        String body = Fixtures.text(Fixtures.CHAT);
        return (vertx, request, received) -> request.response()
                .setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .write(body.substring(0, body.length() / 2))
                .onComplete(written -> received.cut());
    }

    /** The SSE headers, then nothing at all: a stream that stalls before its first event. */
    static UpstreamAnswer sseHeadersThenHang() {
        return (vertx, request, received) -> startStream(request).writeHead();
    }

    /**
     * A 200, then one space every {@code everyMs} and never an end (nor, for a stream, a
     * whole event): a call that is never idle yet never finishes.
     */
    static UpstreamAnswer trickle(String contentType, long everyMs) {
        return (vertx, request, received) -> {
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, contentType);
            response.writeHead();
            long timer = vertx.setPeriodic(everyMs, id -> {
                if (response.closed() || response.ended()) {
                    vertx.cancelTimer(id);
                } else {
                    response.write(" ");
                }
            });
            response.closeHandler(v -> vertx.cancelTimer(timer));
        };
    }

    /** The first {@code count} events of the fixture, then the connection is closed: a stream cut mid-way. */
    static UpstreamAnswer sseThenCut(String fixture, int count) {
        List<String> events = Fixtures.sseEvents(fixture).subList(0, count);
        return (vertx, request, received) -> {
            HttpServerResponse response = startStream(request);
            events.forEach(response::write);
            vertx.setTimer(100, id -> received.cut());
        };
    }

    /** An SSE fixture, one write per event, then the end of the response. */
    static UpstreamAnswer sse(String fixture) {
        List<String> events = Fixtures.sseEvents(fixture);
        return (vertx, request, received) -> {
            HttpServerResponse response = startStream(request);
            events.forEach(response::write);
            response.end();
        };
    }

    /** An SSE fixture written in pieces of {@code bytes} bytes, so events straddle writes. */
    static UpstreamAnswer sseInPieces(String fixture, int bytes) {
        Buffer body = Buffer.buffer(Fixtures.text(fixture));
        return (vertx, request, received) -> {
            HttpServerResponse response = startStream(request);
            for (int i = 0; i < body.length(); i += bytes) {
                response.write(body.getBuffer(i, Math.min(body.length(), i + bytes)));
            }
            response.end();
        };
    }

    /** Every event of the fixture except {@code data: [DONE]}, then a normal end: a stream that never finished. */
    static UpstreamAnswer sseWithoutDone(String fixture) {
        List<String> events = Fixtures.sseEvents(fixture).stream().filter(e -> !e.contains("[DONE]")).toList();
        return (vertx, request, received) -> {
            HttpServerResponse response = startStream(request);
            events.forEach(response::write);
            response.end();
        };
    }

    /**
     * The first {@code count} events of the fixture, then nothing more: the response stays
     * open until the test {@linkplain ReceivedRequest#cut() cuts} it or the caller leaves.
     */
    static UpstreamAnswer sseThenHang(String fixture, int count) {
        List<String> events = Fixtures.sseEvents(fixture).subList(0, count);
        return (vertx, request, received) -> {
            HttpServerResponse response = startStream(request);
            events.forEach(response::write);
        };
    }

    /** A 200 and the SSE headers, then the end with no event at all. */
    static UpstreamAnswer emptyStream() {
        return (vertx, request, received) -> startStream(request).end();
    }

    /** Never answers: no status line, no byte, until the caller gives up. */
    static UpstreamAnswer hang() {
        return (vertx, request, received) -> {
        };
    }

    /**
     * Passes the request on to the server at {@code target} (same path, headers and body) and
     * its answer back as it arrives: a server the tests cannot script, such as the simulated
     * upstream, is then seen through a {@link TestUpstream}, its requests recorded and its
     * connections watched. A caller that closes the connection drops the passed-on call too.
     */
    static UpstreamAnswer relay(HttpClient client, URI target) {
        return (vertx, request, received) -> {
            HttpServerResponse response = request.response();
            RequestOptions options = new RequestOptions().setMethod(request.method())
                    .setHost(target.getHost()).setPort(target.getPort()).setURI(request.uri());
            received.headers().forEach((name, value) -> {
                if (!isHopByHop(name)) {
                    options.putHeader(name, value);
                }
            });
            client.request(options).onComplete(opened -> {
                if (opened.failed()) {
                    received.cut();
                    return;
                }
                HttpClientRequest call = opened.result();
                response.closeHandler(v -> call.reset());
                call.send(received.body()).onComplete(answered -> {
                    if (answered.failed()) {
                        received.cut();
                        return;
                    }
                    HttpClientResponse answer = answered.result();
                    response.setStatusCode(answer.statusCode()).setChunked(true);
                    answer.headers().forEach((name, value) -> {
                        if (!isHopByHop(name)) {
                            response.putHeader(name, value);
                        }
                    });
                    answer.pipeTo(response);
                });
            });
        };
    }

    /** Whether a header is about one connection or one message's framing, which a relay sets anew. */
    private static boolean isHopByHop(String name) {
        return Set.of("host", "connection", "keep-alive", "content-length", "transfer-encoding")
                .contains(name.toLowerCase(Locale.ROOT));
    }

    private static HttpServerResponse startStream(HttpServerRequest request) {
        return request.response()
                .setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    }
}
