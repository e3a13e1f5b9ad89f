package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A tier is an ordered list of targets: a target that fails before answering is passed
 * over for the next, a refusal of the call itself is the caller's to see, and when
 * nothing answers the caller is told which way it failed.
 */
class FallbackTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              a:      { type: openai, base_url: "${A_URL}", api_key: "${A_API_KEY}" }
              b:      { type: openai, base_url: "${B_URL}", api_key: "${B_API_KEY}" }
              slow:   { type: openai, base_url: "${SLOW_URL}", api_key: "${SLOW_API_KEY}", timeouts: { first_byte: 300ms } }
              closed: { type: openai, base_url: "${CLOSED_URL}", api_key: "sk-closed-never-reached-00", timeouts: { connect: 2s } }
            models:
              first:        { provider: a, name: model-a, input: 1.0, output: 2.0 }
              second:       { provider: b, name: model-b, input: 3.0, output: 4.0 }
              slow-first:   { provider: slow, name: model-slow, input: 1.0, output: 2.0 }
              closed-first: { provider: closed, name: model-closed, input: 1.0, output: 2.0 }
            tiers:
              mid: [first, second]
              stalled: [slow-first, second]
              unreachable: [closed-first, second]
            default_tier: mid
            # One attempt per target and no breaker opening: this class is about passing over a
            # failed target; retries and health breakers have FallbackMatrixTest and HealthBreakerTest.
            retry: { max_attempts: 1 }
            health: { min_calls: 1000 }
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "a", "b", "slow");
    static TestUpstream a;
    static TestUpstream b;
    static TestUpstream slow;

    @BeforeAll
    static void findUpstreams() {
        a = gateway.upstream("a");
        b = gateway.upstream("b");
        slow = gateway.upstream("slow");
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {429, 500, 502, 503})
    void retryableStatusFromTheFirstTargetFallsBackToTheSecond(int status) {
        a.answer(UpstreamAnswer.json(status, status == 429 ? Fixtures.ERROR_429 : Fixtures.ERROR_503));

        GatewayResponse response = chat("mid").send();

        assertServedBySecond(response);
        assertEquals(1, a.received().size());
        assertEquals("model-a", a.onlyRequest().json().path("model").asText());
    }

    @Test
    void refusedConnectionFallsBackToTheSecond() {
        assertServedBySecond(chat("unreachable").send());
    }

    @Test
    void firstByteTimeoutFallsBackToTheSecondAndAbandonsTheFirst() {
        slow.answer(UpstreamAnswer.hang());

        GatewayResponse response = chat("stalled").send();

        assertServedBySecond(response);
        assertTrue(slow.onlyRequest().awaitConnectionClosed(Poll.WAIT),
                "the gateway must close the connection to the target it gave up on");
    }

    @Test
    void badRequestFromTheUpstreamIsPassedThroughWithItsBodyAndNotRetried() {
        a.answer(UpstreamAnswer.json(400, Fixtures.ERROR_400));

        GatewayResponse response = chat("mid").send();

        assertEquals(400, response.status(), response::toString);
        assertEquals(Fixtures.json(Fixtures.ERROR_400), response.json());
        assertEquals("first", response.header("x-loopgate-model"));
        assertEquals(List.of(), b.received(), "a 400 is the caller's mistake; no other target may be tried");
    }

    @Test
    void providerRefusingTheGatewaysOwnKeyIsAnUpstreamErrorThatDoesNotLeakTheAnswer() {
        a.answer(UpstreamAnswer.json(401, Fixtures.ERROR_401));

        GatewayResponse response = chat("first").send();

        assertError(response, 502, "upstream_error");
        assertFalse(response.body().contains("sk-a-ups"), "the provider's key hint must not reach the caller");
    }

    @Test
    void allTargetsFailingIs503AllTargetsFailed() {
        a.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));
        b.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));

        GatewayRequest request = chat("mid");
        GatewayResponse response = request.send();

        assertError(response, 503, "all_targets_failed");
        assertEquals(1, a.received().size());
        assertEquals(1, b.received().size());
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(503, record.status());
        assertEquals("all_targets_failed", record.errorCode());
    }

    @Test
    void oneTargetAnsweringAnErrorStatusIs502UpstreamError() {
        a.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));

        assertError(chat("first").send(), 502, "upstream_error");
    }

    @Test
    void oneTargetRefusingTheConnectionIs502UpstreamError() {
        GatewayResponse response = chat("closed-first").send();
        assertError(response, 502, "upstream_error");
        // the provider by its config name; its host and port are the operator's, not the loop's
        String message = response.json().path("error").path("message").asText();
        assertTrue(message.contains("closed: the connection was refused"), message);
        assertFalse(message.contains("127.0.0.1") || message.matches("(?s).*:\\d{2,5}.*"), message);
    }

    @Test
    void oneTargetNotAnsweringInTimeIs504UpstreamTimeout() {
        slow.answer(UpstreamAnswer.hang());

        assertError(chat("slow-first").send(), 504, "upstream_timeout");
    }

    @Test
    void streamWhoseFirstTargetAnswers503FallsBackToTheSecond() {
        a.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));

        GatewayRequest request = gateway.post("/v1/chat/completions", """
                {"model":"mid","stream":true,"messages":[{"role":"user","content":"Why do loops converge?"}]}""");
        GatewayResponse response = request.send();

        assertEquals(200, response.status(), response::toString);
        assertEquals("second", response.header("x-loopgate-model"));
        assertEquals(Fixtures.streamContent(), ProxyRoundTripTest.deltaContent(response.dataPayloads()));
        List<String> payloads = response.dataPayloads();
        assertEquals("[DONE]", payloads.get(payloads.size() - 1));
        assertTrue(b.onlyRequest().json().path("stream_options").path("include_usage").asBoolean(false));
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals("second", record.model());
        assertEquals(Fixtures.streamUsage(), record.usage());
    }

    @Test
    void streamThatEndsBeforeItsFirstEventFallsBackToTheSecond() {
        a.answer(UpstreamAnswer.emptyStream());

        GatewayResponse response = gateway.post("/v1/chat/completions", """
                {"model":"mid","stream":true,"messages":[{"role":"user","content":"Why do loops converge?"}]}""").send();

        assertEquals(200, response.status(), response::toString);
        assertEquals("second", response.header("x-loopgate-model"));
        assertEquals(Fixtures.streamContent(), ProxyRoundTripTest.deltaContent(response.dataPayloads()));
    }

    private static GatewayRequest chat(String model) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Plan the work.\"}]}");
    }

    private static void assertServedBySecond(GatewayResponse response) {
        assertAll(
                () -> assertEquals(200, response.status(), response::toString),
                () -> assertEquals("second", response.header("x-loopgate-model")),
                () -> assertEquals(Fixtures.json(Fixtures.CHAT), response.json()),
                () -> assertEquals("model-b", b.onlyRequest().json().path("model").asText()),
                () -> assertEquals("Bearer " + GatewayHarness.apiKeyOf("b"), b.onlyRequest().header("Authorization")));
    }

    static void assertError(GatewayResponse response, int status, String code) {
        assertEquals(status, response.status(), response::toString);
        assertEquals(code, response.json().path("error").path("code").asText(), response::toString);
        assertEquals("api_error", response.json().path("error").path("type").asText(), response::toString);
        assertTrue(response.json().path("error").path("message").isTextual(), response::toString);
    }
}
