package dev.loopgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.PermissionDeniedException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official OpenAI Java SDK's {@code responses()} against the gateway's {@code /v1/responses},
 * in front of a provider that serves the Responses API itself ({@code responses: native}):
 * the body reaches it as sent but for {@code model} and the output cap, the answer and the
 * stream come back as it wrote them, and every call is charged from its usage.
 */
class ResponsesSdkTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              openai: { type: openai, base_url: "${OPENAI_URL}", api_key: "${OPENAI_API_KEY}", responses: native }
            models:
              gpt: { provider: openai, name: gpt-5-2025-08-07, input: 1.25, output: 10.0, cached_input: 0.125,
                     max_output_tokens: 4096 }
            tiers: { mid: [gpt] }
            rules: []
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "openai");
    static TestUpstream openai;

    @BeforeAll
    static void upstream() {
        openai = gateway.upstream("openai");
    }

    @Test
    void aResponseGoesThroughAsSentButForModelAndOutputCapAndIsChargedFromItsUsage() {
        openai.answer(json("response-text.json"));
        Response response = withClient("resp-plain", client -> client.responses().create(ResponseCreateParams.builder()
                .model("gpt").instructions("You answer in one line.").input("When do loops converge?").build()));

        String text = response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(content -> content.outputText().stream())
                .map(output -> output.text()).findFirst().orElseThrow();
        assertEquals("Loops converge when each step shrinks the error.", text);
        assertEquals(1184, response.usage().orElseThrow().inputTokens());

        ReceivedRequest received = openai.onlyRequest();
        assertTrue(received.path().endsWith("/responses"), received.path());
        assertEquals("gpt-5-2025-08-07", received.json().path("model").asText());
        assertEquals(4096, received.json().path("max_output_tokens").asLong(), "the cap the budget reserved for");
        assertEquals("You answer in one line.", received.json().path("instructions").asText());
        assertEquals("Bearer sk-openai-upstream-secret-7f3a", received.header("authorization"));
        // 160 uncached input at $1.25, 1024 cached at $0.125, 146 output at $10 per million
        BigDecimal expected = new BigDecimal("0.0002").add(new BigDecimal("0.000128")).add(new BigDecimal("0.00146"));
        assertEquals(0, expected.compareTo(gateway.spentUsd("resp-plain")), "charged " + gateway.spentUsd("resp-plain"));
    }

    @Test
    void theBodyReachesTheProviderAsTheClientSentItButForTheModel() {
        openai.answer(json("response-function-call.json"));
        String sent = """
                {"model":"gpt","input":[{"role":"user","content":[{"type":"input_text","text":"Run the tests."}]},\
                {"type":"function_call_output","call_id":"call_0","output":"ok"}],"tools":[{"type":"function",\
                "name":"run_tests","parameters":{"type":"object","properties":{"path":{"type":"string"}}},\
                "strict":false}],"reasoning":{"effort":"low"},"max_output_tokens":256,"store":false,\
                "include":["reasoning.encrypted_content"],"parallel_tool_calls":false,"temperature":0.70}""";
        GatewayResponse response = gateway.post("/v1/responses", sent).loop("resp-fidelity").send();
        assertEquals(200, response.status(), response.body());
        assertEquals(fixture("response-function-call.json"), response.body(), "the answer comes back untouched");
        assertEquals(sent.replace("\"model\":\"gpt\"", "\"model\":\"gpt-5-2025-08-07\""), openai.onlyRequest().body());
    }

    @Test
    void aStreamIsRelayedEventByEventAndChargedFromResponseCompleted() {
        openai.answer(sse("stream-text.sse"));
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        withClient("resp-stream", client -> {
            try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(
                    ResponseCreateParams.builder().model("gpt").input("When do loops converge?").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            return null;
        });
        Response response = accumulator.response();
        ResponseOutputItem message = response.output().get(1);
        assertEquals("Loops converge when each step shrinks the error.",
                message.message().orElseThrow().content().get(0).outputText().orElseThrow().text());
        assertEquals(146, response.usage().orElseThrow().outputTokens());
        BigDecimal expected = new BigDecimal("0.0002").add(new BigDecimal("0.000128")).add(new BigDecimal("0.00146"));
        assertTrue(Poll.until(Poll.WAIT, () -> expected.compareTo(gateway.spentUsd("resp-stream")) == 0),
                "charged " + gateway.spentUsd("resp-stream"));
    }

    @Test
    void aStreamCutBeforeResponseCompletedEndsWithAnErrorEventAndIsCharged() {
        String recorded = fixture("stream-text.sse");
        String cut = recorded.substring(0, recorded.indexOf("event: response.output_text.done"));
        openai.answer((vertx, request, received) -> request.response().setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").end(cut));
        GatewayRequest request = gateway.post("/v1/responses", """
                {"model":"gpt","input":"Go","stream":true}""").loop("resp-cut");
        GatewayResponse response = request.send();
        assertEquals(200, response.status());
        assertTrue(response.body().endsWith("event: error\ndata: {\"type\":\"error\",\"code\":\"upstream_error\","
                + "\"message\":\"The stream was interrupted: the upstream ended the stream before it finished.\","
                + "\"param\":null}\n\n"), response.body());
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.UPSTREAM_FAILED, record.streamEnd());
        assertTrue(record.costNanos() > 0, "the streamed text is charged");
    }

    @Test
    void aClientLeavingMidStreamIsChargedTheTextItGot() {
        String recorded = fixture("stream-text.sse");
        String firstPart = recorded.substring(0, recorded.indexOf("event: response.output_text.delta",
                recorded.indexOf(" when each step")));
        openai.answer((vertx, request, received) -> request.response().setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").write(firstPart));
        GatewayRequest request = gateway.post("/v1/responses", """
                {"model":"gpt","input":"Go","stream":true}""").loop("resp-abort");
        StreamingCall call = request.open();
        call.awaitText(" when each step");

        call.disconnect();

        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.CLIENT_CLOSED, record.streamEnd());
        TokenEstimator tokens = new TokenEstimator();
        long prompt = tokens.responsesPromptTokens(Fixtures.parse("{\"model\":\"gpt\",\"input\":\"Go\",\"stream\":true}"));
        long output = tokens.text("Loops converge when each step");
        // the estimated prompt at $1.25 and the streamed output at $10 per million
        BigDecimal expected = BigDecimal.valueOf(prompt * 1250 + output * 10_000, 9);
        assertEquals(0, expected.compareTo(BigDecimal.valueOf(record.costNanos(), 9)),
                "charged " + BigDecimal.valueOf(record.costNanos(), 9) + ", expected " + expected);
    }

    @Test
    void aPausedLoopIsATypedErrorInOpenAisShape() {
        assertEquals(200, gateway.request(HttpMethod.POST, "/admin/loops/resp-held/pause").key(GatewayHarness.ADMIN_KEY)
                .body("{\"reason\":\"checking\"}").send().status());
        PermissionDeniedException paused = assertThrows(PermissionDeniedException.class,
                () -> withClient("resp-held", client -> client.responses().create(ResponseCreateParams.builder()
                        .model("gpt").input("Next?").build())));
        assertTrue(paused.getMessage().contains("paused"), paused.getMessage());
        GatewayResponse missing = gateway.post("/v1/responses", "{\"model\":\"gpt\"}").loop("resp-held").send();
        assertEquals(400, missing.status());
        assertEquals("input", missing.json().path("error").path("param").asText(), missing.body());
    }

    private static UpstreamAnswer json(String name) {
        String body = fixture(name);
        return (vertx, request, received) -> request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(body);
    }

    private static UpstreamAnswer sse(String name) {
        String body = fixture(name);
        return (vertx, request, received) -> request.response().setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream").end(body);
    }

    static String fixture(String name) {
        try (InputStream in = ResponsesSdkTest.class.getResourceAsStream("/fixtures/responses/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T withClient(String loop, Function<OpenAIClient, T> use) {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1")
                .apiKey(GatewayHarness.LOOP_KEY).putHeader("X-Loop-Id", loop).maxRetries(0)
                .responseValidation(true).timeout(Duration.ofSeconds(10)).build();
        try {
            return use.apply(client);
        } finally {
            client.close();
        }
    }
}
