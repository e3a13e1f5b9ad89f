package dev.loopgate.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Recorded Anthropic Messages answers under {@code src/test/resources/fixtures/anthropic/},
 * and {@link UpstreamAnswer}s that serve them the way Anthropic's API does.
 */
public final class AnthropicFixtures {
    public static final String TEXT = "message-text.json";
    public static final String TOOL_USE = "message-tool-use.json";
    public static final String STREAM_TEXT = "stream-text.sse";
    public static final String STREAM_TOOL_USE = "stream-tool-use.sse";
    public static final String STREAM_ERROR = "stream-error.sse";
    /** An overloaded error right after message_start, before any content. */
    public static final String STREAM_OVERLOADED = "stream-overloaded.sse";
    public static final String ERROR_400 = "error-400.json";
    public static final String ERROR_401 = "error-401.json";
    public static final String ERROR_429 = "error-429.json";
    public static final String ERROR_500 = "error-500.json";
    public static final String ERROR_529 = "error-529.json";

    private AnthropicFixtures() {
    }

    public static String text(String name) {
        try (InputStream in = AnthropicFixtures.class.getResourceAsStream("/fixtures/anthropic/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String name) {
        return Fixtures.parse(text(name));
    }

    /** The payload of every {@code data:} line of an SSE fixture, parsed. */
    public static List<JsonNode> events(String name) {
        List<JsonNode> events = new ArrayList<>();
        SseText.dataPayloads(text(name)).forEach(payload -> events.add(Fixtures.parse(payload)));
        return events;
    }

    /** Anthropic's answer for every call: a non-stream call gets {@code json}, a stream {@code sse}. */
    public static UpstreamAnswer recorded(String json, String sse) {
        UpstreamAnswer whole = answer(200, json, null);
        UpstreamAnswer stream = stream(sse, Integer.MAX_VALUE);
        return (vertx, request, received) -> (received.json().path("stream").asBoolean(false) ? stream : whole)
                .serve(vertx, request, received);
    }

    /** A JSON fixture with the given status and, when not null, a {@code retry-after} header. */
    public static UpstreamAnswer answer(int status, String fixture, String retryAfter) {
        String body = text(fixture);
        return (vertx, request, received) -> {
            HttpServerResponse response = request.response().setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader("request-id", "req_011CSHoJ4xWk7Rt2bQm9nVcE");
            if (retryAfter != null) {
                response.putHeader("retry-after", retryAfter);
            }
            response.end(body);
        };
    }

    /** An SSE fixture written in pieces of {@code bytes} bytes (events and characters straddle writes), then the end. */
    public static UpstreamAnswer stream(String fixture, int bytes) {
        Buffer body = Buffer.buffer(text(fixture));
        return (vertx, request, received) -> {
            HttpServerResponse response = request.response().setStatusCode(200).setChunked(true)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            for (int i = 0; i < body.length(); i += bytes) {
                response.write(body.getBuffer(i, (int) Math.min(body.length(), (long) i + bytes)));
            }
            response.end();
        };
    }

    /** The fixture's events up to, not including, {@code message_stop}, then the end: a stream cut short. */
    public static UpstreamAnswer streamWithoutStop(String fixture) {
        String text = text(fixture);
        String cut = text.substring(0, text.indexOf("event: message_stop"));
        return (vertx, request, received) -> request.response().setStatusCode(200).setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8").end(cut);
    }
}
