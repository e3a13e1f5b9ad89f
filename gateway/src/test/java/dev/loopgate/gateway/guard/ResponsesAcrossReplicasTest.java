package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two replicas on one real Redis: a response created through replica A is continued, read and
 * deleted through replica B, which puts A's conversation before the new input.
 */
class ResponsesAcrossReplicasTest {
    static final String NAMESPACE = "test-responses-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            redis: { url: "redis://127.0.0.1:6379", namespace: %s }
            providers:
              chat: { type: openai, base_url: "${CHAT_URL}", api_key: "${CHAT_API_KEY}" }
            models:
              mini: { provider: chat, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6 }
            tiers: { mid: [mini] }
            rules: []
            """.formatted(NAMESPACE) + GatewayHarness.KEYS;

    static GatewayHarness a;
    static GatewayHarness b;

    @BeforeAll
    static void start() {
        a = GatewayHarness.started(CONFIG, "chat");
        b = GatewayHarness.started(CONFIG, "chat");
        a.upstream("chat").answer(UpstreamAnswer.json(200, Fixtures.CHAT));
        b.upstream("chat").answer(UpstreamAnswer.json(200, Fixtures.CHAT));
    }

    @AfterAll
    static void stop() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void aResponseMadeThroughOneReplicaIsContinuedThroughAnother() {
        GatewayResponse first = a.post("/v1/responses", """
                {"model":"mini","input":"Why does test_total fail?"}""").loop("replica-loop").send();
        assertEquals(200, first.status(), first.body());
        String id = first.json().path("id").asText();

        GatewayResponse next = b.post("/v1/responses", """
                {"model":"mini","previous_response_id":"%s","input":"And the fix?"}""".formatted(id))
                .loop("replica-loop").send();
        assertEquals(200, next.status(), next.body());
        JsonNode messages = b.upstream("chat").onlyRequest().json().path("messages");
        assertEquals("Why does test_total fail?", messages.path(0).path("content").asText(), messages::toString);
        assertEquals(Fixtures.chatContent(), messages.path(1).path("content").asText());
        assertEquals("And the fix?", messages.path(2).path("content").asText());

        assertEquals(id, b.request(HttpMethod.GET, "/v1/responses/" + id).loop("replica-loop").send().json()
                .path("id").asText());
        assertEquals(200, b.request(HttpMethod.DELETE, "/v1/responses/" + id).loop("replica-loop").send().status());
        assertEquals(404, a.request(HttpMethod.GET, "/v1/responses/" + id).loop("replica-loop").send().status(),
                "deleted through B, gone for A");
    }
}
