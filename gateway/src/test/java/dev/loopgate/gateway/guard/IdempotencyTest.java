package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code Idempotency-Key}: a retried call gets the first answer again and is charged once. */
class IdempotencyTest {
    static final String CHAT = """
            {"model":"small","messages":[{"role":"user","content":"Write the migration."}]}""";
    static final String STREAM = """
            {"model":"small","stream":true,"messages":[{"role":"user","content":"Why do loops converge?"}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");
    static TestUpstream upstream;

    @BeforeAll
    static void findUpstream() {
        upstream = gateway.upstream("primary");
    }

    @Test
    void aRepeatGetsTheFirstAnswerAgainAndIsChargedOnce() {
        GatewayResponse first = call("idem-once", "key-1", CHAT);
        GatewayResponse repeat = call("idem-once", "key-1", CHAT);

        assertEquals(200, repeat.status(), repeat::toString);
        assertEquals(first.body(), repeat.body());
        assertEquals("true", repeat.header("x-loopgate-idempotent-replay"));
        assertNull(first.header("x-loopgate-idempotent-replay"));
        assertEquals(1, upstream.received().size(), "the provider is asked once");
        assertEquals(0, new BigDecimal(first.header("x-loopgate-cost-usd"))
                .compareTo(new BigDecimal(spent("idem-once"))), "the loop is charged for one call");
    }

    @Test
    void theSameKeyWithAnotherBodyIsRefused() {
        call("idem-conflict", "key-2", CHAT);

        GatewayResponse other = call("idem-conflict", "key-2", CHAT.replace("migration", "rollback"));

        assertEquals(409, other.status(), other::toString);
        assertEquals("idempotency_key_reused", other.json().path("error").path("code").asText());
    }

    @Test
    void aDuplicateArrivingWhileTheFirstRunsWaitsForItsAnswer() {
        AtomicReference<Runnable> release = new AtomicReference<>();
        upstream.answer((vertx, request, received) -> release.set(() -> vertx.runOnContext(v ->
                UpstreamAnswer.recorded().serve(vertx, request, received))));
        StreamingCall first = gateway.post("/v1/chat/completions", CHAT).loop("idem-wait")
                .header("Idempotency-Key", "key-3").openWithoutWaiting();
        upstream.awaitRequests(1);
        StreamingCall duplicate = gateway.post("/v1/chat/completions", CHAT).loop("idem-wait")
                .header("Idempotency-Key", "key-3").openWithoutWaiting();

        release.get().run();

        assertEquals(first.awaitEnd(), duplicate.awaitEnd());
        assertEquals("true", duplicate.header("x-loopgate-idempotent-replay"));
        assertEquals(1, upstream.received().size());
    }

    @Test
    void aStreamIsReplayedChunkByChunk() {
        GatewayResponse first = call("idem-stream", "key-4", STREAM);
        GatewayResponse repeat = call("idem-stream", "key-4", STREAM);

        assertEquals(200, repeat.status());
        assertEquals(first.dataPayloads(), repeat.dataPayloads());
        assertEquals("true", repeat.header("x-loopgate-idempotent-replay"));
        assertEquals(1, upstream.received().size());
    }

    @Test
    void aFailedFirstCallIsNotKeptSoTheRetryRunsAgain() {
        upstream.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));
        GatewayResponse failed = call("idem-retry", "key-5", CHAT);
        upstream.answer(UpstreamAnswer.recorded());

        GatewayResponse retried = call("idem-retry", "key-5", CHAT);

        assertEquals(502, failed.status(), failed::toString);
        assertEquals(200, retried.status(), retried::toString);
        assertNull(retried.header("x-loopgate-idempotent-replay"));
    }

    private static GatewayResponse call(String loop, String key, String body) {
        return gateway.post("/v1/chat/completions", body).loop(loop).header("Idempotency-Key", key).send();
    }

    private static String spent(String loop) {
        JsonNode status = gateway.request(HttpMethod.GET, "/admin/loops/" + loop).key(GatewayHarness.ADMIN_KEY).send().json();
        return status.path("spent_usd").asText();
    }
}
