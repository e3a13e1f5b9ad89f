package dev.loopgate.gateway.provider;

import static dev.loopgate.gateway.testing.AdapterCalls.await;
import static dev.loopgate.gateway.testing.AdapterCalls.failure;
import static dev.loopgate.gateway.testing.AdapterCalls.read;
import static dev.loopgate.gateway.testing.AdapterCalls.readFetchingOneAtATime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.Endpoint;
import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.config.Secret;
import dev.loopgate.gateway.config.SimulatedOptions;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.wire.AnthropicUsage;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every {@link ProviderAdapter} does for the gateway, whatever its provider speaks, run
 * against each provider type. The adapter is built as the gateway builds it
 * ({@link Providers#create}) and calls a real {@link TestUpstream} on loopback; a subclass
 * says how that upstream answers (recorded fixtures, or the simulated upstream relayed) and
 * what the adapter must then hand the pipeline, which is always OpenAI's wire format.
 *
 * <p>A case that needs an answer the subclass's upstream cannot give is skipped through
 * {@link Assumptions}, with the reason the subclass declared in {@link #lacks()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProviderContract {
    protected static final String KEY = "sk-contract-4b1f3a6e-7f3a";
    private static final String PROVIDER = "contract";
    private static final Timeouts IMPATIENT =
            new Timeouts(Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(10));

    /** Answers that some upstreams cannot be made to give. */
    public enum Capability {
        TOOL_CALLS("answer with tool calls"),
        RATE_LIMIT("refuse a call with a 429");

        private final String does;

        Capability(String does) {
            this.does = does;
        }
    }

    /** How the upstream answers ({@code upstreamSends} names it), and what the adapter must then hand back. */
    public record Served<T>(String upstreamSends, UpstreamAnswer answer, T expected) {
        @Override
        public String toString() {
            return upstreamSends;
        }
    }

    /** An answer's text and token counts. */
    public record Completion(String text, long promptTokens, long completionTokens) {
    }

    /** One tool call; {@code arguments} is JSON text, compared as JSON. */
    public record ToolCall(String id, String name, String arguments) {
    }

    /** An error as the client gets it: status, {@code error.message}, and the Retry-After kept (or null). */
    public record ErrorReply(int status, String message, String retryAfter) {
    }

    /** The header that carries the provider's key upstream, and its value. */
    public record Credentials(String header, String value) {
    }

    protected Vertx vertx;
    private TestUpstream upstream;
    private Providers providers;
    private Providers impatient;

    protected abstract ProviderType type();

    /** The model name the provider knows; the caller's model is always {@code mid}. */
    protected abstract String upstreamModel();

    protected abstract Credentials credentials(String key);

    /** A whole text answer to {@link #chatBody}. */
    protected abstract Served<Completion> chat();

    /** A streamed text answer to {@link #chatBody}. */
    protected abstract Served<Completion> stream();

    /** 5xx answers, each with the status the client must get: the upstream's, or the adapter's documented mapping. */
    protected abstract List<Served<ErrorReply>> serverErrors();

    /** Must be overridden unless {@link #lacks()} names {@link Capability#TOOL_CALLS}. */
    protected Served<List<ToolCall>> toolCalls() {
        throw undeclared(Capability.TOOL_CALLS);
    }

    /** Must be overridden unless {@link #lacks()} names {@link Capability#TOOL_CALLS}. */
    protected Served<List<ToolCall>> toolCallStream() {
        throw undeclared(Capability.TOOL_CALLS);
    }

    /** Must be overridden unless {@link #lacks()} names {@link Capability#RATE_LIMIT}. */
    protected Served<ErrorReply> rateLimited() {
        throw undeclared(Capability.RATE_LIMIT);
    }

    /** An upstream that takes the call and gives no response. */
    protected UpstreamAnswer silence() {
        return UpstreamAnswer.hang();
    }

    /** What this upstream cannot be made to do, each with why; the cases that need it are skipped, saying so. */
    protected Map<Capability, String> lacks() {
        return Map.of();
    }

    @BeforeAll
    void startUpstreamAndAdapters() {
        vertx = Vertx.vertx();
        upstream = TestUpstream.start(vertx);
        providers = providers(Timeouts.DEFAULTS);
        impatient = providers(IMPATIENT);
    }

    @AfterAll
    void stopUpstreamAndAdapters() {
        await(providers.shutdown(Duration.ZERO));
        await(impatient.shutdown(Duration.ZERO));
        upstream.close();
        await(vertx.close());
    }

    @BeforeEach
    void resetUpstream() {
        upstream.reset();
    }

    @Test
    void chatIsAnsweredAsAnOpenAiChatCompletionWithTheAnswersTextAndUsage() {
        Served<Completion> served = serve(chat());

        UpstreamResponse response = await(adapter().send(request(chatBody(false), false)));
        String text = read(vertx, response);
        JsonNode body = Fixtures.parse(text);

        assertEquals(200, response.status(), text);
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        assertEquals("chat.completion", body.path("object").asText(), text);
        JsonNode choice = body.path("choices").path(0);
        assertEquals("assistant", choice.path("message").path("role").asText(), text);
        assertEquals(served.expected().text(), choice.path("message").path("content").asText(), text);
        assertEquals("stop", choice.path("finish_reason").asText(), text);
        assertUsage(served.expected(), body.path("usage"));
    }

    @Test
    void streamIsOpenAiChunksInOrderEndingWithAUsageChunkThenDone() {
        Served<Completion> served = serve(stream());

        UpstreamResponse response = await(adapter().send(request(chatBody(true), true)));
        String body = read(vertx, response);

        assertEquals(200, response.status(), body);
        assertTrue(response.contentType().startsWith("text/event-stream"), response.contentType());
        StreamedChunks streamed = StreamedChunks.of(body);
        assertEquals(served.expected().text(), streamed.content(), body);
        assertEquals("stop", streamed.finishReason(), body);
        assertUsage(served.expected(), streamed.usage());
    }

    @Test
    void aMessagesCallIsAnsweredAsAnAnthropicMessageWithTheAnswersTextAndUsage() {
        Served<Completion> served = serve(chat());

        UpstreamResponse response = await(adapter().send(messagesRequest(false)));
        String text = read(vertx, response);
        JsonNode body = Fixtures.parse(text);

        assertEquals(200, response.status(), text);
        assertEquals("message", body.path("type").asText(), text);
        assertEquals("assistant", body.path("role").asText(), text);
        assertEquals(served.expected().text(), body.path("content").path(0).path("text").asText(), text);
        assertEquals("end_turn", body.path("stop_reason").asText(), text);
        Usage usage = AnthropicUsage.of(body.path("usage"));
        assertEquals(served.expected().promptTokens(), usage.promptTokens(), text);
        assertEquals(served.expected().completionTokens(), usage.completionTokens(), text);
    }

    @Test
    void aMessagesStreamIsAnthropicEventsEachWithItsEventLineEndingWithMessageStop() {
        Served<Completion> served = serve(stream());

        UpstreamResponse response = await(adapter().send(messagesRequest(true)));
        String body = read(vertx, response);

        assertEquals(200, response.status(), body);
        StringBuilder text = new StringBuilder();
        ObjectNode usage = Json.MAPPER.createObjectNode();
        String last = "";
        for (String event : body.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            assertTrue(event.startsWith("event: "), () -> "an event without its event line: " + event);
            JsonNode data = Fixtures.parse(event.substring(event.indexOf("data: ") + 6));
            last = data.path("type").asText();
            if (last.equals("message_start")) {
                usage.setAll((ObjectNode) data.path("message").path("usage"));
            } else if (last.equals("message_delta")) {
                usage.setAll((ObjectNode) data.path("usage"));
            } else if (last.equals("content_block_delta")) {
                text.append(data.path("delta").path("text").asText(""));
            }
        }
        assertEquals("message_stop", last, body);
        assertEquals(served.expected().text(), text.toString(), body);
        assertEquals(served.expected().promptTokens(), AnthropicUsage.of(usage).promptTokens(), body);
        assertEquals(served.expected().completionTokens(), AnthropicUsage.of(usage).completionTokens(), body);
    }

    @Test
    void aReaderThatFetchesOneBufferAtATimeGetsTheWholeStreamAndNothingUnasked() {
        Served<Completion> served = serve(stream());

        UpstreamResponse response = await(adapter().send(request(chatBody(true), true)));
        String body = readFetchingOneAtATime(vertx, response.body());

        StreamedChunks streamed = StreamedChunks.of(body);
        assertEquals(served.expected().text(), streamed.content(), body);
        assertUsage(served.expected(), streamed.usage());
    }

    @Test
    void toolCallsComeBackAsOpenAiToolCallsWithIdNameAndCompleteArguments() {
        requires(Capability.TOOL_CALLS);
        Served<List<ToolCall>> served = serve(toolCalls());

        UpstreamResponse response = await(adapter().send(request(toolsBody(false), false)));
        String text = read(vertx, response);
        JsonNode choice = Fixtures.parse(text).path("choices").path(0);

        assertEquals(200, response.status(), text);
        assertEquals("tool_calls", choice.path("finish_reason").asText(), text);
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : choice.path("message").path("tool_calls")) {
            assertEquals("function", call.path("type").asText(), text);
            calls.add(new ToolCall(call.path("id").asText(), call.path("function").path("name").asText(),
                    call.path("function").path("arguments").asText()));
        }
        assertToolCalls(served.expected(), calls);
    }

    @Test
    void streamedToolCallArgumentDeltasAddUpToCompleteToolCalls() {
        requires(Capability.TOOL_CALLS);
        Served<List<ToolCall>> served = serve(toolCallStream());

        UpstreamResponse response = await(adapter().send(request(toolsBody(true), true)));
        String body = read(vertx, response);

        assertEquals(200, response.status(), body);
        StreamedChunks streamed = StreamedChunks.of(body);
        assertEquals("tool_calls", streamed.finishReason(), body);
        assertToolCalls(served.expected(), streamed.toolCalls());
    }

    @Test
    void rateLimitIsA429ThatKeepsRetryAfterWithAnOpenAiErrorBody() {
        requires(Capability.RATE_LIMIT);
        Served<ErrorReply> served = serve(rateLimited());

        UpstreamResponse response = await(adapter().send(request(chatBody(false), false)));

        assertEquals(429, served.expected().status(), "the contract's rate limit is a 429");
        assertError(served.expected(), response);
    }

    /** Asked on a stream call: an error comes back as JSON, never as an event stream. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("serverErrors")
    void serverErrorKeepsItsStatusOrDocumentedMappingWithAnOpenAiErrorBody(Served<ErrorReply> served) {
        serve(served);

        UpstreamResponse response = await(adapter().send(request(chatBody(true), true)));

        assertTrue(served.expected().status() >= 500, "a server error's status to the client is a 5xx");
        assertError(served.expected(), response);
    }

    @Test
    void noResponseBeforeTheFirstByteTimeoutFailsAsFirstByteTimeoutAndClosesTheConnection() {
        upstream.answer(silence());

        Throwable failure = failure(impatient.get(PROVIDER).send(request(chatBody(false), false)));

        UpstreamException timeout = assertInstanceOf(UpstreamException.class, failure);
        assertEquals(UpstreamException.Kind.FIRST_BYTE_TIMEOUT, timeout.kind(), timeout.getMessage());
        assertTrue(upstream.awaitRequests(1).get(0).awaitConnectionClosed(Poll.WAIT),
                "the upstream connection must be closed, so the provider stops generating");
    }

    @Test
    void aCallerThatLeavesBeforeTheResponseFailsTheCallAsConnectionLostAndClosesTheConnection() {
        upstream.answer(silence());
        Promise<Void> abandoned = Promise.promise();
        Future<UpstreamResponse> sent = adapter().send(new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, chatBody(false),
                upstreamModel(), 1024, false, "req-contract-left", MultiMap.caseInsensitiveMultiMap(), abandoned.future()));
        ReceivedRequest received = upstream.awaitRequests(1).get(0);

        vertx.runOnContext(v -> abandoned.complete());

        UpstreamException lost = assertInstanceOf(UpstreamException.class, failure(sent));
        assertEquals(UpstreamException.Kind.CONNECTION_LOST, lost.kind(), lost.getMessage());
        assertTrue(received.awaitConnectionClosed(Poll.WAIT), "the provider must be told to stop");
    }

    @Test
    void theUpstreamReceivesTheProvidersCredentialsAndTheUpstreamModel() {
        serve(chat());

        read(vertx, await(adapter().send(request(chatBody(false), false))));

        ReceivedRequest sent = upstream.onlyRequest();
        Credentials credentials = credentials(KEY);
        assertEquals(credentials.value(), sent.header(credentials.header()), sent.headers().toString());
        assertEquals(upstreamModel(), sent.json().path("model").asText(), sent.body());
    }

    /** The chat every text case sends, as the caller wrote it: the model is the gateway's alias. */
    protected static ObjectNode chatBody(boolean stream) {
        return (ObjectNode) Fixtures.parse("""
                {"model":"mid","stream":%s,"messages":[{"role":"system","content":"You fix failing tests."},
                  {"role":"user","content":"Why does test_total fail?"}]}""".formatted(stream));
    }

    /** The chat every tool case sends: two tools the model may call. */
    private static ObjectNode toolsBody(boolean stream) {
        ObjectNode body = chatBody(stream);
        body.set("tools", Fixtures.parse("""
                [{"type":"function","function":{"name":"run_tests","description":"Runs the tests under a path.",
                   "parameters":{"type":"object","properties":{"path":{"type":"string"},"verbose":{"type":"boolean"}},
                                 "required":["path"]}}},
                 {"type":"function","function":{"name":"read_file","description":"Reads a file of the repository.",
                   "parameters":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}}}]"""));
        return body;
    }

    private ProviderAdapter adapter() {
        return providers.get(PROVIDER);
    }

    private Providers providers(Timeouts timeouts) {
        URI url = URI.create(upstream.baseUrl());
        Optional<URI> baseUrl = type() == ProviderType.SIMULATED ? Optional.empty() : Optional.of(url);
        ProviderConfig config = new ProviderConfig(PROVIDER, type(), baseUrl, Optional.of(new Secret(KEY)), Map.of(),
                timeouts, 4, SimulatedOptions.DEFAULTS, RetryConfig.DEFAULTS, HealthConfig.DEFAULTS);
        return Providers.create(vertx, Map.of(PROVIDER, config), Map.of(PROVIDER, url));
    }

    private UpstreamRequest request(ObjectNode body, boolean stream) {
        return new UpstreamRequest(Endpoint.CHAT_COMPLETIONS, body, upstreamModel(), 1024, stream, "req-contract", MultiMap.caseInsensitiveMultiMap(),
                Promise.<Void>promise().future());
    }

    /** The Messages call the Messages cases send: the same question in Anthropic's form. */
    private UpstreamRequest messagesRequest(boolean stream) {
        ObjectNode body = (ObjectNode) Fixtures.parse("""
                {"model":"mid","max_tokens":1024,"stream":%s,"system":"You fix failing tests.",
                 "messages":[{"role":"user","content":"Why does test_total fail?"}]}""".formatted(stream));
        return new UpstreamRequest(Endpoint.MESSAGES, body, upstreamModel(), 1024, stream, "req-contract-messages",
                MultiMap.caseInsensitiveMultiMap(), Promise.<Void>promise().future());
    }

    private <T> Served<T> serve(Served<T> served) {
        upstream.answer(served.answer());
        return served;
    }

    private void requires(Capability capability) {
        String why = lacks().get(capability);
        Assumptions.assumeTrue(why == null, () -> getClass().getSimpleName() + ": the upstream cannot "
                + capability.does + " (" + why + "), so this case is skipped");
    }

    private IllegalStateException undeclared(Capability capability) {
        return new IllegalStateException(getClass().getSimpleName() + " must serve a case that needs its upstream to "
                + capability.does + ", or declare in lacks() why it cannot");
    }

    private void assertError(ErrorReply expected, UpstreamResponse response) {
        String text = read(vertx, response);
        JsonNode error = Fixtures.parse(text).path("error");
        assertEquals(expected.status(), response.status(), text);
        assertEquals(expected.retryAfter(), response.retryAfter(), "Retry-After");
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        assertEquals(expected.message(), error.path("message").asText(), text);
        assertTrue(error.path("type").isTextual(), () -> "error.type is a string: " + text);
    }

    private static void assertUsage(Completion expected, JsonNode usage) {
        assertEquals(expected.promptTokens(), usage.path("prompt_tokens").asLong(-1), usage::toString);
        assertEquals(expected.completionTokens(), usage.path("completion_tokens").asLong(-1), usage::toString);
        assertEquals(expected.promptTokens() + expected.completionTokens(), usage.path("total_tokens").asLong(-1),
                usage::toString);
    }

    private static void assertToolCalls(List<ToolCall> expected, List<ToolCall> actual) {
        assertEquals(expected.size(), actual.size(), actual::toString);
        for (int i = 0; i < expected.size(); i++) {
            ToolCall want = expected.get(i);
            ToolCall got = actual.get(i);
            assertEquals(want.id(), got.id(), got::toString);
            assertEquals(want.name(), got.name(), got::toString);
            assertEquals(Fixtures.parse(want.arguments()), argumentsJson(got), got::toString);
        }
    }

    private static JsonNode argumentsJson(ToolCall call) {
        try {
            return Fixtures.parse(call.arguments());
        } catch (IllegalArgumentException e) {
            throw new AssertionError("the arguments of " + call + " are not complete JSON", e);
        }
    }
}
