package dev.loopgate.gateway.provider.anthropic;

import static dev.loopgate.gateway.testing.AdapterCalls.await;
import static dev.loopgate.gateway.testing.AdapterCalls.failure;
import static dev.loopgate.gateway.testing.AdapterCalls.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.config.Secret;
import dev.loopgate.gateway.config.SimulatedOptions;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import dev.loopgate.gateway.provider.UpstreamRequest;
import dev.loopgate.gateway.provider.UpstreamResponse;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.SseText;
import dev.loopgate.gateway.testing.TestUpstream;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter on its own against a real HTTP server answering like Anthropic: the call it
 * makes, and what only Anthropic needs; what every adapter does is {@code AnthropicAdapterContractTest}'s.
 */
class AnthropicAdapterTest {
    static final String KEY = "sk-ant-api03-adapter-test-7f3a";
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static Vertx vertx;
    static TestUpstream upstream;
    static AnthropicAdapter adapter;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        upstream = TestUpstream.start(vertx);
        adapter = adapter(Timeouts.DEFAULTS);
    }

    @AfterAll
    static void stop() throws Exception {
        adapter.shutdown(Duration.ZERO).await(10, TimeUnit.SECONDS);
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
        JsonNode completion = Fixtures.parse(read(vertx, response));

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
    void streamCallAsksForEventsAndItsUsageChunkCarriesCacheWrites() {
        upstream.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_TOOL_USE, 5));

        UpstreamResponse response = await(adapter.send(chat(true)));
        String body = read(vertx, response);

        assertTrue(upstream.onlyRequest().json().path("stream").asBoolean());
        assertEquals("text/event-stream", upstream.onlyRequest().header("accept"));
        List<String> payloads = SseText.dataPayloads(body);
        assertTrue(payloads.get(payloads.size() - 2).contains("\"cache_write_tokens\":1200"), body);
    }

    @Test
    void embeddingsAreRefusedWithoutCallingTheProvider() {
        ObjectNode body = (ObjectNode) Fixtures.parse("{\"model\":\"claude\",\"input\":\"billing\"}");

        Throwable failure = failure(adapter.send(new UpstreamRequest(Endpoint.EMBEDDINGS, body,
                "claude-sonnet-4-5-20250929", 1024, false, "req-emb", MultiMap.caseInsensitiveMultiMap(), Promise.<Void>promise().future())));

        GatewayException refused = assertInstanceOf(GatewayException.class, failure);
        assertEquals(ErrorCode.INVALID_REQUEST, refused.code());
        assertEquals(List.of(), upstream.received());
    }

    @Test
    void aRequestAnthropicCannotTakeFailsBeforeAnyCall() {
        ObjectNode body = (ObjectNode) Fixtures.parse("""
                {"model":"mid","n":3,"messages":[{"role":"user","content":"Three takes, please."}]}""");

        Throwable failure = failure(adapter.send(new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, body,
                "claude-sonnet-4-5-20250929", 1024, false, "req-n", MultiMap.caseInsensitiveMultiMap(), Promise.<Void>promise().future())));

        assertEquals("n", assertInstanceOf(GatewayException.class, failure).param());
        assertEquals(List.of(), upstream.received());
    }

    private static AnthropicAdapter adapter(Timeouts timeouts) {
        ProviderConfig config = new ProviderConfig("claude", ProviderType.ANTHROPIC,
                Optional.of(URI.create(upstream.baseUrl())), Optional.of(new Secret(KEY)), Map.of(), timeouts, 4,
                SimulatedOptions.DEFAULTS, RetryConfig.DEFAULTS, HealthConfig.DEFAULTS);
        return new AnthropicAdapter(vertx, config, URI.create(upstream.baseUrl()), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static UpstreamRequest chat(boolean stream) {
        return new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, chatBody(stream), "claude-sonnet-4-5-20250929", 1024,
                stream, "req-1", MultiMap.caseInsensitiveMultiMap(), Promise.<Void>promise().future());
    }

    private static ObjectNode chatBody(boolean stream) {
        return (ObjectNode) Fixtures.parse("""
                {"model":"mid","stream":%s,"messages":[{"role":"system","content":"You fix failing tests."},
                  {"role":"user","content":"Why does test_total fail?"}]}""".formatted(stream ? "true" : "false"));
    }
}
