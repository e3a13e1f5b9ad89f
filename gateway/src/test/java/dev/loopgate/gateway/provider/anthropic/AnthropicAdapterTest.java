package dev.loopgate.gateway.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.config.Secret;
import dev.loopgate.gateway.config.SimulatedOptions;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.pipeline.Endpoint;
import dev.loopgate.gateway.provider.UpstreamException;
import dev.loopgate.gateway.provider.UpstreamRequest;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.SseText;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter on its own against a real HTTP server answering like Anthropic: the call it
 * makes, and the OpenAI-format answer it hands the pipeline for each kind of reply.
 */
class AnthropicAdapterTest {
    static final String KEY = "sk-ant-api03-adapter-test-7f3a";
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static Vertx vertx;
    static TestUpstream upstream;
    static AnthropicAdapter adapter;
    static AnthropicAdapter impatient;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = TestUpstream.start(vertx);
        adapter = adapter(Timeouts.DEFAULTS);
        impatient = adapter(new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(5),
                Duration.ofSeconds(10)));
    }

    @AfterAll
    static void stop() throws Exception {
        adapter.close().await(10, TimeUnit.SECONDS);
        impatient.close().await(10, TimeUnit.SECONDS);
        upstream.close();
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    @Test
    void callIsAPostToMessagesWithTheKeyTheVersionAndTheTranslatedBody() {
        upstream.answer(AnthropicFixtures.recorded(AnthropicFixtures.TEXT, AnthropicFixtures.STREAM_TEXT));

        UpstreamResponse response = await(adapter.send(chat(false)));
        JsonNode completion = Fixtures.parse(read(response));

        ReceivedRequest sent = upstream.onlyRequest();
        assertEquals("POST", sent.method());
        assertEquals("/v1/messages", sent.path());
        assertEquals(KEY, sent.header("x-api-key"));
        assertEquals("2023-06-01", sent.header("anthropic-version"));
        assertEquals("application/json", sent.header("content-type"));
        assertNull(sent.header("authorization"), "Anthropic takes its key in x-api-key only");
        assertEquals(Fixtures.parse("""
                {"model":"claude-sonnet-4-5-20250929","max_tokens":1024,
                 "system":[{"type":"text","text":"You fix failing tests."}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Why does test_total fail?"}]}]}"""),
                sent.json());
        assertEquals(200, response.status());
        assertEquals("application/json", response.contentType());
        assertEquals("chat.completion", completion.path("object").asText());
        assertEquals(NOW.getEpochSecond(), completion.path("created").asLong());
    }

    @Test
    void streamIsReadAsOpenAiChunksByAReaderThatFetchesOneBufferAtATime() {
        upstream.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_TOOL_USE, 5));

        UpstreamResponse response = await(adapter.send(chat(true)));
        String body = readFetchingOneAtATime(response.body());

        assertTrue(upstream.onlyRequest().json().path("stream").asBoolean());
        assertEquals("text/event-stream", upstream.onlyRequest().header("accept"));
        assertEquals("text/event-stream", response.contentType());
        List<String> payloads = SseText.dataPayloads(body);
        assertEquals("[DONE]", payloads.get(payloads.size() - 1), body);
        assertTrue(payloads.get(payloads.size() - 2).contains("\"cache_write_tokens\":1200"), body);
    }

    @Test
    void rateLimitKeepsItsStatusAndRetryAfterInOpenAisShape() {
        upstream.answer(AnthropicFixtures.answer(429, AnthropicFixtures.ERROR_429, "17"));

        UpstreamResponse response = await(adapter.send(chat(false)));
        JsonNode error = Fixtures.parse(read(response)).path("error");

        assertEquals(429, response.status());
        assertEquals("17", response.retryAfter());
        assertEquals("application/json", response.contentType());
        assertEquals("rate_limit_error", error.path("type").asText());
        assertEquals("rate_limit_error", error.path("code").asText());
        assertTrue(error.path("message").asText().startsWith("This request would exceed the rate limit"));
    }

    @Test
    void overloadedIsA503SoOpenAiClientsAndTheFallbackTreatItAsRetryable() {
        upstream.answer(AnthropicFixtures.answer(529, AnthropicFixtures.ERROR_529, "5"));

        UpstreamResponse response = await(adapter.send(chat(true)));

        assertEquals(503, response.status());
        assertEquals("overloaded_error", Fixtures.parse(read(response)).path("error").path("code").asText());
    }

    @Test
    void embeddingsAreRefusedWithoutCallingTheProvider() {
        ObjectNode body = (ObjectNode) Fixtures.parse("{\"model\":\"claude\",\"input\":\"billing\"}");

        Throwable failure = failure(adapter.send(new UpstreamRequest(Endpoint.EMBEDDINGS, body,
                "claude-sonnet-4-5-20250929", 1024, false, "req-emb", Promise.<Void>promise().future())));

        GatewayException refused = assertInstanceOf(GatewayException.class, failure);
        assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void aRequestAnthropicCannotTakeFailsBeforeAnyCall() {
        ObjectNode body = (ObjectNode) Fixtures.parse("""
                {"model":"mid","n":3,"messages":[{"role":"user","content":"Three takes, please."}]}""");

        Throwable failure = failure(adapter.send(new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, body,
                "claude-sonnet-4-5-20250929", 1024, false, "req-n", Promise.<Void>promise().future())));

        assertEquals("n", assertInstanceOf(GatewayException.class, failure).param());
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void noResponseBeforeTheFirstByteTimeoutIsATimeoutAndTheCallIsDropped() {
        upstream.answer(UpstreamAnswer.hang());

        Throwable failure = failure(impatient.send(chat(false)));

        assertEquals(UpstreamException.Kind.FIRST_BYTE_TIMEOUT, assertInstanceOf(UpstreamException.class, failure).kind());
        assertTrue(upstream.awaitRequests(1).get(0).awaitConnectionClosed(Poll.WAIT));
    }

    @Test
    void aCallerThatLeavesBeforeTheResponseDropsTheCall() {
        upstream.answer(UpstreamAnswer.hang());
        Promise<Void> abandoned = Promise.promise();
        UpstreamRequest request = new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, chatBody(false),
                "claude-sonnet-4-5-20250929", 1024, false, "req-left", abandoned.future());
        Future<UpstreamResponse> sent = adapter.send(request);
        ReceivedRequest received = upstream.awaitRequests(1).get(0);

        vertx.runOnContext(v -> abandoned.complete());

        UpstreamException failure = assertInstanceOf(UpstreamException.class, failure(sent));
        assertEquals(UpstreamException.Kind.CONNECTION_LOST, failure.kind());
        assertTrue(received.awaitConnectionClosed(Poll.WAIT), "the provider must be told to stop");
    }

    private static AnthropicAdapter adapter(Timeouts timeouts) {
        ProviderConfig config = new ProviderConfig("claude", ProviderType.ANTHROPIC,
                Optional.of(URI.create(upstream.baseUrl())), Optional.of(new Secret(KEY)), Map.of(), timeouts, 4,
                SimulatedOptions.DEFAULTS, RetryConfig.DEFAULTS, HealthConfig.DEFAULTS);
        return new AnthropicAdapter(vertx, config, URI.create(upstream.baseUrl()), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static UpstreamRequest chat(boolean stream) {
        return new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, chatBody(stream), "claude-sonnet-4-5-20250929", 1024,
                stream, "req-1", Promise.<Void>promise().future());
    }

    private static ObjectNode chatBody(boolean stream) {
        return (ObjectNode) Fixtures.parse("""
                {"model":"mid","stream":%s,"messages":[{"role":"system","content":"You fix failing tests."},
                  {"role":"user","content":"Why does test_total fail?"}]}""".formatted(stream ? "true" : "false"));
    }

    /** Reads the whole body in flowing mode, as the forward stage does for whole answers. */
    private static String read(UpstreamResponse response) {
        Promise<String> body = Promise.promise();
        vertx.runOnContext(v -> {
            Buffer all = Buffer.buffer();
            response.body().handler(all::appendBuffer);
            response.body().exceptionHandler(body::tryFail);
            response.body().endHandler(end -> body.tryComplete(all.toString()));
            response.body().resume();
        });
        return await(body.future());
    }

    /** Reads the whole body asking for one buffer at a time, and the next only once the last arrived. */
    private static String readFetchingOneAtATime(ReadStream<Buffer> stream) {
        Promise<String> body = Promise.promise();
        vertx.runOnContext(v -> {
            Buffer all = Buffer.buffer();
            stream.handler(chunk -> {
                all.appendBuffer(chunk);
                vertx.runOnContext(next -> stream.fetch(1));
            });
            stream.exceptionHandler(body::tryFail);
            stream.endHandler(end -> body.tryComplete(all.toString()));
            stream.fetch(1);
        });
        return await(body.future());
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(Poll.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Throwable failure(Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(Poll.WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure, got " + future.result());
    }
}
