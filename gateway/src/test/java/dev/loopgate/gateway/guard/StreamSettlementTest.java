package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.SseText;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stream is charged however it ends: the provider's usage when it sent one, otherwise
 * the estimated prompt plus the tokens of what was actually streamed — never zero.
 */
class StreamSettlementTest {
    static final String STREAM = """
            {"model":"small","stream":true,"messages":[{"role":"user","content":"Why do loops converge?"}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");
    static TestUpstream upstream;
    static final TokenEstimator TOKENS = new TokenEstimator();

    @BeforeAll
    static void findUpstream() {
        upstream = gateway.upstream("primary");
    }

    @Test
    void aFinishedStreamIsChargedTheProvidersUsage() {
        GatewayRequest request = gateway.post("/v1/chat/completions", STREAM).loop("stream-normal");

        request.send();

        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.COMPLETED, record.streamEnd());
        assertCharged("stream-normal", record, cost(Fixtures.streamUsage()));
    }

    @Test
    void anUpstreamCutMidStreamIsChargedForWhatWasStreamed() {
        upstream.answer(UpstreamAnswer.sseThenHang(Fixtures.CHAT_STREAM, 3));
        GatewayRequest request = gateway.post("/v1/chat/completions", STREAM).loop("stream-cut");
        StreamingCall call = request.open();
        call.awaitText(lastPiece(3));

        upstream.onlyRequest().cut();
        call.awaitEnd();

        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.UPSTREAM_FAILED, record.streamEnd());
        assertCharged("stream-cut", record, cost(countedUsage(3)));
    }

    @Test
    void aClientLeavingMidStreamIsChargedForWhatWasStreamed() {
        upstream.answer(UpstreamAnswer.sseThenHang(Fixtures.CHAT_STREAM, 2));
        GatewayRequest request = gateway.post("/v1/chat/completions", STREAM).loop("stream-abort");
        StreamingCall call = request.open();
        call.awaitText(lastPiece(2));

        call.disconnect();

        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.CLIENT_CLOSED, record.streamEnd());
        assertCharged("stream-abort", record, cost(countedUsage(2)));
    }

    /** The record's cost and the loop's settled spend are both the expected amount, and nothing stays reserved. */
    private static void assertCharged(String loop, CallRecord record, BigDecimal expected) {
        assertEquals(0, expected.compareTo(BigDecimal.valueOf(record.costNanos(), 9)),
                "expected " + expected + ", record says " + BigDecimal.valueOf(record.costNanos(), 9));
        JsonNode status = gateway.request(HttpMethod.GET, "/admin/loops/" + loop).key(GatewayHarness.ADMIN_KEY).send().json();
        assertEquals(0, expected.compareTo(new BigDecimal(status.path("spent_usd").asText())), status::toString);
        assertEquals(0, new BigDecimal(status.path("reserved_usd").asText()).signum(), status::toString);
    }

    /** The prompt as the gateway estimates it, and the counted tokens of the first {@code events} chunks' text. */
    private static Usage countedUsage(int events) {
        long prompt = TOKENS.chatPromptTokens(Fixtures.parse(STREAM));
        return new Usage(prompt, TOKENS.text(deltaText(events)), 0);
    }

    private static String deltaText(int events) {
        StringBuilder text = new StringBuilder();
        pieces(events).forEach(text::append);
        return text.toString();
    }

    /** The text the {@code events}-th chunk carries: once the client has read it, that many chunks were relayed. */
    private static String lastPiece(int events) {
        List<String> pieces = pieces(events);
        return pieces.get(pieces.size() - 1);
    }

    private static List<String> pieces(int events) {
        return SseText.dataPayloads(Fixtures.text(Fixtures.CHAT_STREAM)).subList(0, events).stream()
                .map(payload -> Fixtures.parse(payload).path("choices").path(0).path("delta").path("content").asText(""))
                .toList();
    }

    private static BigDecimal cost(Usage usage) {
        return Fixtures.costUsd(usage, GatewayHarness.SMALL_INPUT, GatewayHarness.SMALL_CACHED_INPUT,
                GatewayHarness.SMALL_OUTPUT);
    }
}
