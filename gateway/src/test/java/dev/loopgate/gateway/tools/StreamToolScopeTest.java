package dev.loopgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.Reply;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tools:} on streams, through the real gateway with local upstreams: each inbound dialect
 * over an OpenAI provider (Messages and Responses through the translators) and Messages over an
 * Anthropic one. A denied call ends the stream with an error event before any byte of it; a call
 * whose arguments decide is held back until they have all arrived; a run's call past its cap is
 * refused; a call that needs approval ends the stream with {@code approval_required}, and once
 * approved the identical request gets the whole stream, uncharged. The call is charged either way.
 */
class StreamToolScopeTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass("""
            server: { host: 127.0.0.1, port: 0 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
              claude: { type: anthropic, base_url: "${CLAUDE_URL}", api_key: "${CLAUDE_API_KEY}" }
            models:
              small:  { provider: primary, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6 }
              sonnet: { provider: claude, name: claude-sonnet-4-5-20250929, input: 3.0, output: 15.0 }
            tiers: { mid: [small] }
            default_tier: mid
            rules: []
            tools:
              "deny-*": { deny: [run_tests] }
              "args-*": { deny: [{ tool: run_tests, args: "billing/" }] }
              "elsewhere-*": { deny: [{ tool: run_tests, args: "payments/" }] }
              "cap-*": { max_calls: { "r*": 1 } }
              "hold-*": { approve: [{ tool: run_tests, args: "billing/" }] }
            """ + GatewayHarness.KEYS, "primary", "claude");

    /** One streamed call with tools, per inbound dialect and the provider it goes to. */
    private enum Call {
        CHAT("/v1/chat/completions", """
                {"model":"small","stream":true,"messages":[{"role":"user","content":"test billing"}],
                 "tools":[{"type":"function","function":{"name":"run_tests","parameters":{"type":"object"}}},
                          {"type":"function","function":{"name":"read_file","parameters":{"type":"object"}}}]}"""),
        MESSAGES_OVER_CHAT("/v1/messages", """
                {"model":"small","stream":true,"max_tokens":256,"messages":[{"role":"user","content":"test billing"}],
                 "tools":[{"name":"run_tests","input_schema":{"type":"object"}},
                          {"name":"read_file","input_schema":{"type":"object"}}]}"""),
        RESPONSES_OVER_CHAT("/v1/responses", """
                {"model":"small","stream":true,"input":"test billing",
                 "tools":[{"type":"function","name":"run_tests","parameters":{"type":"object"}},
                          {"type":"function","name":"read_file","parameters":{"type":"object"}}]}"""),
        MESSAGES("/v1/messages", """
                {"model":"sonnet","stream":true,"max_tokens":256,"messages":[{"role":"user","content":"test billing"}],
                 "tools":[{"name":"run_tests","input_schema":{"type":"object"}},
                          {"name":"read_file","input_schema":{"type":"object"}}]}""");

        final String path;
        final String body;

        Call(String path, String body) {
            this.path = path;
            this.body = body;
        }

        GatewayRequest to(String loop) {
            return gateway.post(path, body).loop(loop);
        }

        /** The call without run_tests among its tools: a model may still propose it, and is stopped then. */
        GatewayRequest withoutRunTests(String loop) {
            return gateway.post(path, body.replace("\"name\":\"run_tests\"", "\"name\":\"lint\"")).loop(loop);
        }
    }

    @BeforeEach
    void upstreamsProposeTwoCalls() {
        gateway.upstream("primary").answer(UpstreamAnswer.sseInPieces(Fixtures.CHAT_STREAM_TOOL_CALLS, 97));
        gateway.upstream("claude").answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_TOOL_USE, 89));
    }

    @Test
    void aDeniedToolEndsTheStreamBeforeAnyByteOfItsCallInEachDialect() {
        for (Call call : Call.values()) {
            String loop = "deny-" + call.name().toLowerCase();
            GatewayResponse refused = call.withoutRunTests(loop).send();
            assertEquals(200, refused.status(), "the stream had begun: " + refused.body());
            assertTrue(refused.body().contains("tool_forbidden"), call + ": " + refused.body());
            assertTrue(refused.body().contains("'run_tests'"), call + ": the error names the tool");
            assertFalse(refused.body().contains("\"name\":\"run_tests\""), call + ": nothing of the call: " + refused.body());
            assertFalse(refused.body().contains("billing"), call + ": nor its arguments");
            assertFalse(refused.body().contains("voice"), call + ": nor what follows it");
            assertTrue(Poll.until(Poll.WAIT, () -> gateway.spentUsd(loop).signum() > 0), call + ": the call is charged");
            assertEquals(Reply.StreamEnd.TOOL_REFUSED, gateway.sink().await(refused.header("x-request-id")).streamEnd());
        }
        GatewayResponse messages = Call.MESSAGES.withoutRunTests("deny-text").send();
        assertTrue(messages.body().contains("Running the tests"), "what came before the call is delivered");
    }

    @Test
    void aCallWhoseArgumentsDecideIsHeldBackUntilTheyArriveAndAnAllowedStreamIsUnchanged() {
        for (Call call : Call.values()) {
            GatewayResponse refused = call.to("args-" + call.name().toLowerCase()).send();
            assertTrue(refused.body().contains("tool_forbidden"), call + ": " + refused.body());
            assertFalse(refused.body().contains("billing"), call + ": no fragment of the arguments: " + refused.body());

            GatewayResponse allowed = call.to("elsewhere-" + call.name().toLowerCase()).send();
            GatewayResponse unscoped = call.to("free-" + call.name().toLowerCase()).send();
            assertEquals(withoutIds(unscoped.body()), withoutIds(allowed.body()),
                    call + ": an allowed call streams whole and unchanged");
            assertTrue(allowed.body().contains("read_file"), call + ": " + allowed.body());
        }
    }

    @Test
    void aRunsCallPastItsCapIsRefusedAfterTheCallsWithinIt() {
        for (Call call : Call.values()) {
            GatewayResponse capped = call.to("cap-" + call.name().toLowerCase()).header("X-Loop-Run", "r1").send();
            assertTrue(capped.body().contains("tool_cap_reached"), call + ": " + capped.body());
            assertTrue(capped.body().contains("run_tests"), call + ": the first call is within the cap");
            assertFalse(capped.body().contains("voice"), call + ": the second is not delivered (its arguments name billing/invoice.py): " + capped.body());
        }
    }

    @Test
    void anApprovedStreamIsAnsweredWholeOnceUncharged() {
        for (Call call : List.of(Call.CHAT, Call.MESSAGES)) {
            String loop = "hold-" + call.name().toLowerCase();
            GatewayResponse held = call.to(loop).send();
            assertTrue(held.body().contains("approval_required"), call + ": " + held.body());
            assertFalse(held.body().contains("billing"), call + ": " + held.body());
            String id = pending(loop);
            assertNotNull(id, call + ": the approval is listed");
            assertTrue(held.body().contains(id), call + ": the error event names it");
            assertEquals(Reply.StreamEnd.APPROVAL_HELD, gateway.sink().await(held.header("x-request-id")).streamEnd());
            assertTrue(Poll.until(Poll.WAIT, () -> gateway.spentUsd(loop).signum() > 0));
            int asked = gateway.upstream("primary").received().size() + gateway.upstream("claude").received().size();

            GatewayResponse approved = gateway.request(HttpMethod.POST, "/admin/approvals/" + id + "/approve")
                    .key(GatewayHarness.ADMIN_KEY).body("{\"reason\":\"tests only\"}").send();
            assertEquals(200, approved.status(), approved.body());
            var spent = gateway.spentUsd(loop);
            GatewayResponse answered = call.to(loop).send();
            assertEquals(200, answered.status());
            assertTrue(answered.body().contains("billing") && answered.body().contains("voice"),
                    call + ": the whole held stream: " + answered.body());
            assertFalse(answered.body().contains("approval_required"));
            assertEquals(asked, gateway.upstream("primary").received().size() + gateway.upstream("claude").received().size(),
                    "not asked again");
            assertEquals(0, spent.compareTo(gateway.spentUsd(loop)), "not charged again");
        }
    }

    @Test
    void aWholeAnswerFromAnAnthropicProviderIsJudgedAsAStreamIs() {
        gateway.upstream("claude").answer(AnthropicFixtures.answer(200, AnthropicFixtures.TOOL_USE, null));
        String whole = Call.MESSAGES.body.replace("\"stream\":true,", "");
        GatewayResponse refused = gateway.post("/v1/messages", whole).loop("args-whole").send();
        assertEquals(403, refused.status(), refused.body());
        assertTrue(refused.json().path("error").path("message").asText().startsWith("tool_forbidden: "), refused.body());
        assertFalse(refused.body().contains("billing/tests"));

        GatewayResponse held = gateway.post("/v1/messages", whole).loop("hold-whole").send();
        assertEquals(403, held.status(), held.body());
        assertTrue(held.json().path("error").path("message").asText().startsWith("approval_required: "), held.body());
        assertEquals(pending("hold-whole"), held.header("x-loopgate-approval-id"));
    }

    private static String pending(String loop) {
        JsonNode list = gateway.request(HttpMethod.GET, "/admin/approvals?state=pending").key(GatewayHarness.ADMIN_KEY)
                .send().json();
        return StreamSupport.stream(list.path("data").spliterator(), false)
                .filter(approval -> approval.path("loop_id").asText().equals(loop))
                .map(approval -> approval.path("id").asText()).findFirst().orElse(null);
    }

    /** The ids and times a translator makes afresh for each answer. */
    private static String withoutIds(String body) {
        return body.replaceAll("\"(id|item_id|response_id|created|created_at)\":(\"[^\"]*\"|\\d+)", "");
    }
}
