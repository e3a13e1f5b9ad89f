package dev.loopgate.gateway.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.SseText;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How a stream ends once bytes have reached the client: a failed stream never looks
 * finished (an error event, no {@code [DONE]}), and a client that leaves stops the
 * upstream call.
 */
class StreamEndingsTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
              quiet:   { type: openai, base_url: "${QUIET_URL}", api_key: "${QUIET_API_KEY}", timeouts: { idle: 300ms } }
            models:
              small:       { provider: primary, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6 }
              quiet-small: { provider: quiet, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6 }
            tiers:
              mid: [small]
            """ + GatewayHarness.KEYS;
    static final String STREAM = """
            {"model":"small","stream":true,"messages":[{"role":"user","content":"Why do loops converge?"}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "primary", "quiet");
    static TestUpstream upstream;

    @BeforeAll
    static void findUpstreams() {
        upstream = gateway.upstream("primary");
    }

    @Test
    void upstreamCutMidStreamEndsTheClientStreamWithAnErrorEventAndNoDone() {
        upstream.answer(UpstreamAnswer.sseThenHang(Fixtures.CHAT_STREAM, 3));
        GatewayRequest request = gateway.post("/v1/chat/completions", STREAM);
        StreamingCall call = request.open();
        assertEquals(200, call.status());
        call.awaitText(" converge");

        upstream.onlyRequest().cut();

        List<String> payloads = SseText.dataPayloads(call.awaitEnd());
        assertEquals(firstFixturePayloads(3), payloads.subList(0, payloads.size() - 1));
        assertErrorEvent(payloads.get(payloads.size() - 1), "upstream_error");
        assertFalse(payloads.contains("[DONE]"));
        assertEquals(StreamEnd.UPSTREAM_FAILED, gateway.sink().await(request.requestId()).streamEnd());
    }

    @Test
    void upstreamEndingWithoutDoneEndsTheClientStreamWithAnErrorEvent() {
        upstream.answer(UpstreamAnswer.sseWithoutDone(Fixtures.CHAT_STREAM));
        GatewayRequest request = gateway.post("/v1/chat/completions", STREAM);

        GatewayResponse response = request.send();

        assertEquals(200, response.status());
        List<String> payloads = response.dataPayloads();
        assertFalse(payloads.contains("[DONE]"), response::toString);
        assertErrorEvent(payloads.get(payloads.size() - 1), "upstream_error");
        assertEquals(Fixtures.streamContent(),
                String.join("", payloads.subList(0, payloads.size() - 1).stream().map(StreamEndingsTest::delta).toList()));
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.UPSTREAM_FAILED, record.streamEnd());
        assertEquals(Fixtures.streamUsage(), record.usage(), "usage that arrived before the failure still counts");
    }

    @Test
    void upstreamFallingSilentMidStreamEndsWithATimeoutEventNotASecondConnectionError() {
        TestUpstream quiet = gateway.upstream("quiet");
        quiet.answer(UpstreamAnswer.sseThenHang(Fixtures.CHAT_STREAM, 2));

        GatewayResponse response = gateway.post("/v1/chat/completions", STREAM.replace("\"small\"", "\"quiet-small\""))
                .send();

        List<String> payloads = response.dataPayloads();
        assertEquals(firstFixturePayloads(2), payloads.subList(0, payloads.size() - 1));
        assertErrorEvent(payloads.get(payloads.size() - 1), "upstream_timeout");
        assertTrue(quiet.onlyRequest().awaitConnectionClosed(Poll.WAIT), "the silent upstream call must be closed");
    }

    @Test
    void clientLeavingMidStreamClosesTheUpstreamConnectionAndIsRecordedAsClientClosed() {
        upstream.answer(UpstreamAnswer.sseThenHang(Fixtures.CHAT_STREAM, 2));
        GatewayRequest request = gateway.post("/v1/chat/completions", STREAM);
        StreamingCall call = request.open();
        call.awaitText("Loops");
        ReceivedRequest sent = upstream.onlyRequest();
        assertFalse(sent.isConnectionClosed(), "the upstream call stays open while the client reads");

        call.disconnect();

        assertTrue(sent.awaitConnectionClosed(Poll.WAIT), "the upstream connection must be closed when the client leaves");
        assertEquals(StreamEnd.CLIENT_CLOSED, gateway.sink().await(request.requestId()).streamEnd());
    }

    @Test
    void clientLeavingBeforeTheUpstreamAnsweredClosesTheUpstreamConnection() {
        upstream.answer(UpstreamAnswer.hang());
        GatewayRequest request = gateway.post("/v1/chat/completions", """
                {"model":"small","messages":[{"role":"user","content":"Write the whole module."}]}""");
        StreamingCall call = request.openWithoutWaiting();
        ReceivedRequest sent = upstream.awaitRequests(1).get(0);

        call.disconnect();

        assertTrue(sent.awaitConnectionClosed(Poll.WAIT),
                "a provider still working on an abandoned call must be told to stop");
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(499, record.status());
        assertEquals("client_closed", record.errorCode());
    }

    private static List<String> firstFixturePayloads(int count) {
        return SseText.dataPayloads(Fixtures.text(Fixtures.CHAT_STREAM)).subList(0, count);
    }

    private static void assertErrorEvent(String payload, String code) {
        JsonNode error = Fixtures.parse(payload).path("error");
        assertEquals(code, error.path("code").asText(), payload);
        assertEquals("api_error", error.path("type").asText(), payload);
        assertTrue(error.path("message").isTextual(), payload);
    }

    private static String delta(String payload) {
        StringBuilder text = new StringBuilder();
        Fixtures.parse(payload).path("choices").forEach(c -> text.append(c.path("delta").path("content").asText("")));
        return text.toString();
    }
}
