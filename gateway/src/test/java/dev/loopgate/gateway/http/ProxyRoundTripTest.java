package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.SseText;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Calls through the gateway to a real upstream serving recorded OpenAI answers: what
 * the client gets back, what the upstream receives, and what the call is recorded as.
 */
class ProxyRoundTripTest {
    static final String CHAT_PATH = "/v1/chat/completions";
    static final String CHAT = """
            {"model":"auto","temperature":0.2,"messages":[
              {"role":"system","content":"You plan refactors."},
              {"role":"user","content":"Plan the billing refactor."}]}""";
    static final String STREAM = """
            {"model":"auto","stream":true,"messages":[{"role":"user","content":"Why do loops converge?"}]}""";
    /** The upstream name of the model {@code auto} resolves to: the mid tier's first, {@code small}. */
    static final String SMALL_UPSTREAM_NAME = "gpt-4.1-mini-2025-04-14";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");
    static TestUpstream upstream;

    @BeforeAll
    static void findUpstreams() {
        upstream = gateway.upstream("primary");
    }

    @Test
    void nonStreamAnswerReachesTheClientIntact() {
        GatewayResponse response = gateway.post(CHAT_PATH, CHAT).send();

        assertEquals(200, response.status(), response::toString);
        assertEquals(Fixtures.json(Fixtures.CHAT), response.json());
        assertEquals(Fixtures.chatContent(), response.json().path("choices").path(0).path("message").path("content").asText());
        assertTrue(response.header("content-type").startsWith("application/json"), response::toString);
    }

    @Test
    void upstreamReceivesTheTargetsModelNameAndOtherwiseTheCallersBody() {
        gateway.post(CHAT_PATH, CHAT).send();

        ReceivedRequest sent = upstream.onlyRequest();
        JsonNode caller = Fixtures.parse(CHAT);
        assertAll(
                () -> assertEquals("POST", sent.method()),
                () -> assertEquals("/v1/chat/completions", sent.path()),
                () -> assertEquals(SMALL_UPSTREAM_NAME, sent.json().path("model").asText()),
                () -> assertEquals(caller.path("messages"), sent.json().path("messages")),
                () -> assertEquals(caller.path("temperature"), sent.json().path("temperature")),
                () -> assertFalse(sent.json().has("stream_options"), "a non-stream call gets no stream_options"));
    }

    @Test
    void upstreamGetsTheProvidersKeyAndNeverTheLoopsKey() {
        gateway.post(CHAT_PATH, CHAT).send();

        ReceivedRequest sent = upstream.onlyRequest();
        assertEquals("Bearer " + GatewayHarness.apiKeyOf("primary"), sent.header("Authorization"));
        for (Map.Entry<String, String> header : sent.headers()) {
            assertFalse(header.getValue().contains(GatewayHarness.LOOP_KEY),
                    "the loop's key leaked upstream in header " + header.getKey());
        }
        assertFalse(sent.body().contains(GatewayHarness.LOOP_KEY), "the loop's key leaked upstream in the body");
    }

    @Test
    void nonStreamAnswerSaysWhereItWentAndWhatItCost() {
        var request = gateway.post(CHAT_PATH, CHAT);
        GatewayResponse response = request.send();

        Usage usage = Fixtures.usageOf(Fixtures.json(Fixtures.CHAT));
        BigDecimal expectedCost = Fixtures.costUsd(usage, GatewayHarness.SMALL_INPUT,
                GatewayHarness.SMALL_CACHED_INPUT, GatewayHarness.SMALL_OUTPUT);
        assertAll(
                () -> assertEquals(request.requestId(), response.header("x-request-id")),
                () -> assertEquals("mid", response.header("x-loopgate-tier")),
                () -> assertEquals("small", response.header("x-loopgate-model")),
                () -> assertEquals("model:auto", response.header("x-loopgate-rule")),
                () -> assertNotNull(response.header("x-loopgate-cost-usd"), response::toString),
                () -> assertEquals(0, expectedCost.compareTo(new BigDecimal(response.header("x-loopgate-cost-usd"))),
                        "cost " + response.header("x-loopgate-cost-usd") + ", expected " + expectedCost));

        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(usage, record.usage());
        assertEquals(0, expectedCost.compareTo(BigDecimal.valueOf(record.costNanos(), 9)));
        assertEquals(200, record.status());
        assertFalse(record.stream());
    }

    @Test
    void gatewayMakesUpARequestIdWhenTheCallerSendsNoneAndPassesItUpstream() {
        GatewayResponse response = gateway.post(CHAT_PATH, CHAT).header("X-Request-Id", null).send();

        String id = response.header("x-request-id");
        assertNotNull(id, response::toString);
        assertFalse(id.isBlank());
        assertEquals(id, upstream.onlyRequest().header("x-request-id"));
    }

    @Test
    void streamReachesTheClientWithItsContentAndDone() {
        GatewayResponse response = gateway.post(CHAT_PATH, STREAM).send();

        assertEquals(200, response.status(), response::toString);
        assertTrue(response.header("content-type").startsWith("text/event-stream"), response::toString);
        List<String> payloads = response.dataPayloads();
        assertEquals("[DONE]", payloads.get(payloads.size() - 1));
        assertEquals(Fixtures.streamContent(), deltaContent(payloads));
        assertAll(
                () -> assertEquals("mid", response.header("x-loopgate-tier")),
                () -> assertEquals("small", response.header("x-loopgate-model")),
                () -> assertEquals("model:auto", response.header("x-loopgate-rule")),
                () -> assertNotNull(response.header("x-request-id")));
    }

    @Test
    void streamAsksTheUpstreamForUsageEvenWhenTheClientDidNot() {
        gateway.post(CHAT_PATH, STREAM).send();

        JsonNode sent = upstream.onlyRequest().json();
        assertTrue(sent.path("stream").asBoolean());
        assertTrue(sent.path("stream_options").path("include_usage").asBoolean(false), sent::toString);
        assertEquals(SMALL_UPSTREAM_NAME, sent.path("model").asText());
    }

    @Test
    void streamUsageIsCapturedAndPricedFromTheUsageChunk() {
        var request = gateway.post(CHAT_PATH, STREAM);
        request.send();

        CallRecord record = gateway.sink().await(request.requestId());
        Usage usage = Fixtures.streamUsage();
        BigDecimal expectedCost = Fixtures.costUsd(usage, GatewayHarness.SMALL_INPUT,
                GatewayHarness.SMALL_CACHED_INPUT, GatewayHarness.SMALL_OUTPUT);
        assertAll(
                () -> assertEquals(usage, record.usage()),
                () -> assertEquals(0, expectedCost.compareTo(BigDecimal.valueOf(record.costNanos(), 9)),
                        "cost " + BigDecimal.valueOf(record.costNanos(), 9) + ", expected " + expectedCost),
                () -> assertTrue(record.stream()),
                () -> assertEquals(StreamEnd.COMPLETED, record.streamEnd()),
                () -> assertEquals("small", record.model()),
                () -> assertEquals("primary", record.provider()));
    }

    @ParameterizedTest(name = "stream_options {0}")
    @ValueSource(strings = {"", ",\"stream_options\":{\"include_usage\":false}", ",\"stream_options\":{}"})
    void usageOnlyChunkIsWithheldFromAClientThatDidNotAskForIt(String streamOptions) {
        String body = "{\"model\":\"auto\",\"stream\":true" + streamOptions
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Why do loops converge?\"}]}";
        GatewayResponse response = gateway.post(CHAT_PATH, body).send();

        List<String> expected = new ArrayList<>(fixturePayloads());
        expected.removeIf(payload -> payload.contains("\"choices\":[]"));
        assertEquals(fixturePayloads().size() - 1, expected.size(), "the fixture has one usage-only chunk");
        assertEquals(expected, response.dataPayloads());
    }

    @Test
    void usageOnlyChunkIsPassedToAClientThatAskedForIt() {
        String body = "{\"model\":\"auto\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Why do loops converge?\"}]}";
        var request = gateway.post(CHAT_PATH, body);
        GatewayResponse response = request.send();

        assertEquals(fixturePayloads(), response.dataPayloads());
        assertEquals(Fixtures.streamUsage(), gateway.sink().await(request.requestId()).usage());
    }

    @Test
    void streamArrivingInOddPiecesIsRelayedEventByEventAndStillPriced() {
        upstream.answer(UpstreamAnswer.sseInPieces(Fixtures.CHAT_STREAM, 7));
        var request = gateway.post(CHAT_PATH, STREAM);
        GatewayResponse response = request.send();

        List<String> expected = new ArrayList<>(fixturePayloads());
        expected.removeIf(payload -> payload.contains("\"choices\":[]"));
        assertEquals(expected, response.dataPayloads());
        assertEquals(Fixtures.streamUsage(), gateway.sink().await(request.requestId()).usage());
    }

    @Test
    void embeddingsRoundTripWithTheTargetsModelNameAndCost() {
        var request = gateway.post("/v1/embeddings", """
                {"model":"embed","input":"billing refactor summary","dimensions":8}""");
        GatewayResponse response = request.send();

        assertEquals(200, response.status(), response::toString);
        assertEquals(Fixtures.json(Fixtures.EMBEDDINGS), response.json());
        ReceivedRequest sent = upstream.onlyRequest();
        assertEquals("/v1/embeddings", sent.path());
        assertEquals("text-embedding-3-small", sent.json().path("model").asText());
        assertEquals("billing refactor summary", sent.json().path("input").asText());
        assertEquals("embed", response.header("x-loopgate-model"));
        assertEquals("model:explicit", response.header("x-loopgate-rule"));
        Usage usage = Fixtures.usageOf(Fixtures.json(Fixtures.EMBEDDINGS));
        BigDecimal expectedCost = Fixtures.costUsd(usage, "0.02", "0.02", "0");
        assertEquals(0, expectedCost.compareTo(new BigDecimal(response.header("x-loopgate-cost-usd"))),
                "cost " + response.header("x-loopgate-cost-usd") + ", expected " + expectedCost);
    }

    static List<String> fixturePayloads() {
        return SseText.dataPayloads(Fixtures.text(Fixtures.CHAT_STREAM));
    }

    static String deltaContent(List<String> payloads) {
        StringBuilder text = new StringBuilder();
        for (String payload : payloads) {
            if (!payload.equals("[DONE]")) {
                for (JsonNode choice : Fixtures.parse(payload).path("choices")) {
                    text.append(choice.path("delta").path("content").asText(""));
                }
            }
        }
        return text.toString();
    }
}
