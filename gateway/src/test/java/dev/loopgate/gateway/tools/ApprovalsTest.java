package dev.loopgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tools: approve} and {@code max_calls} through the real gateway with a local upstream, in
 * each inbound dialect: an answer proposing a call that needs approval is held (403
 * {@code approval_required} with the approval's id, the loop paused); once an admin approves, the
 * loop's identical request gets the held answer, uncharged, once; after a rejection it gets 403
 * {@code tool_rejected} with the reason. A run's calls of a tool past its cap get 403
 * {@code tool_cap_reached}.
 */
class ApprovalsTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD.replace(
            "max_body_bytes: 1024", "max_body_bytes: 65536") + """
            tools:
              "gate-*": { approve: [{ tool: run_tests, args: "billing/" }] }
              "capped-*": { max_calls: { "run_*": 1 } }
            """, "primary");

    private static final String CHAT = """
            {"model":"small","messages":[{"role":"user","content":"test billing"}],
             "tools":[{"type":"function","function":{"name":"run_tests","parameters":{"type":"object"}}}]}""";
    private static final String MESSAGES = """
            {"model":"small","max_tokens":64,"messages":[{"role":"user","content":"test billing"}],
             "tools":[{"name":"run_tests","input_schema":{"type":"object"}}]}""";
    private static final String RESPONSES = """
            {"model":"small","input":"test billing",
             "tools":[{"type":"function","name":"run_tests","parameters":{"type":"object"}}]}""";

    @BeforeEach
    void proposeTheCall() {
        gateway.upstream("primary").answer(UpstreamAnswer.json(200, Fixtures.CHAT_TOOL_CALLS));
    }

    @Test
    void anApprovedChatCallGetsItsHeldAnswerOnceUncharged() {
        approvalRoundTrip("/v1/chat/completions", CHAT, "gate-chat");
    }

    @Test
    void anApprovedMessagesCallGetsItsHeldAnswerOnceUncharged() {
        approvalRoundTrip("/v1/messages", MESSAGES, "gate-messages");
    }

    @Test
    void anApprovedResponsesCallGetsItsHeldAnswerOnceUncharged() {
        approvalRoundTrip("/v1/responses", RESPONSES, "gate-responses");
    }

    @Test
    void aRejectedCallIsRefusedWithTheReasonInEachDialect() {
        for (String[] call : List.of(new String[] {"/v1/chat/completions", CHAT}, new String[] {"/v1/messages", MESSAGES},
                new String[] {"/v1/responses", RESPONSES})) {
            String loop = "gate-reject" + call[0].replace('/', '-');
            String id = gateway.post(call[0], call[1]).loop(loop).send().header("x-loopgate-approval-id");
            assertNotNull(id, call[0]);
            GatewayResponse rejected = decide(id, "reject", "billing tests hit the live ledger");
            assertEquals(200, rejected.status(), rejected.body());
            assertEquals("rejected", rejected.json().path("state").asText());
            assertEquals("active", loopState(loop), "the loop goes on: the rejection is its answer");

            GatewayResponse refused = gateway.post(call[0], call[1]).loop(loop).send();
            assertEquals(403, refused.status(), refused.body());
            assertTrue(refused.body().contains("tool_rejected"), refused.body());
            assertTrue(refused.body().contains("billing tests hit the live ledger"), refused.body());
            assertFalse(refused.body().contains("billing/tests"), "nothing of the held call is delivered");
        }
        assertEquals(3, gateway.upstream("primary").received().size(), "a rejected request is not forwarded again");
    }

    @Test
    void aDecisionNeedsAReasonAndAnUnknownApprovalIs404() {
        String id = gateway.post("/v1/chat/completions", CHAT).loop("gate-reasons").send().header("x-loopgate-approval-id");
        assertEquals(400, admin(HttpMethod.POST, "/admin/approvals/" + id + "/approve", "{}").status());
        assertEquals(404, admin(HttpMethod.GET, "/admin/approvals/apr_000000000000000000000000", null).status());
        assertEquals(404, admin(HttpMethod.POST, "/admin/approvals/not-an-id/approve", "{\"reason\":\"x\"}").status());
    }

    @Test
    void aRunsCallsOfAToolPastItsCapAreNotDelivered() {
        GatewayResponse first = gateway.post("/v1/chat/completions", CHAT).loop("capped-1").header("X-Loop-Run", "r1").send();
        assertEquals(200, first.status(), first.body());
        BigDecimal spent = gateway.spentUsd("capped-1");
        GatewayResponse second = gateway.post("/v1/chat/completions", CHAT.replace("test billing", "again"))
                .loop("capped-1").header("X-Loop-Run", "r1").send();
        assertEquals(403, second.status(), second.body());
        assertEquals("tool_cap_reached", second.json().path("error").path("code").asText());
        assertTrue(second.json().path("error").path("message").asText().contains("'run_*'"), second.body());
        assertFalse(second.body().contains("billing/tests"));
        assertTrue(gateway.spentUsd("capped-1").compareTo(spent) > 0, "the refused answer is charged");
        assertEquals(200, gateway.post("/v1/chat/completions", CHAT).loop("capped-1").header("X-Loop-Run", "r2").send()
                .status(), "another run has calls of its own");
        JsonNode run = admin(HttpMethod.GET, "/admin/loops/capped-1/runs/r1", null).json();
        assertEquals(1, run.path("tool_calls").path("run_*").asInt(), run.toString());
    }

    private static void approvalRoundTrip(String path, String body, String loop) {
        GatewayResponse held = gateway.post(path, body).loop(loop).send();
        assertEquals(403, held.status(), held.body());
        assertTrue(held.body().contains("approval_required"), held.body());
        String id = held.header("x-loopgate-approval-id");
        assertNotNull(id, "the approval's id is in a header");
        assertTrue(held.body().contains(id), "and in the message: " + held.body());
        assertFalse(held.body().contains("billing/tests"), "nothing of the held call is delivered");
        BigDecimal charged = gateway.spentUsd(loop);
        assertTrue(charged.signum() > 0, "the model answered: the call is charged");
        assertEquals("paused", loopState(loop), "the loop waits for a human");

        JsonNode pending = admin(HttpMethod.GET, "/admin/approvals?state=pending", null).json();
        JsonNode listed = StreamSupport.stream(pending.path("data").spliterator(), false)
                .filter(approval -> approval.path("id").asText().equals(id)).findFirst().orElseThrow();
        assertEquals("run_tests", listed.path("calls").get(0).path("tool").asText());
        assertTrue(listed.path("calls").get(0).path("arguments").asText().contains("billing/tests"), listed.toString());

        GatewayResponse waiting = gateway.post(path, body).loop(loop).send();
        assertEquals(403, waiting.status());
        assertEquals(id, waiting.header("x-loopgate-approval-id"), "while pending the same approval is named");
        assertEquals(1, gateway.upstream("primary").received().size(), "nothing forwarded while it is pending");

        GatewayResponse approved = decide(id, "approve", "billing tests are read-only");
        assertEquals(200, approved.status(), approved.body());
        assertEquals("approved", approved.json().path("state").asText());
        assertEquals("ops", approved.json().path("decided_by").asText(), "recorded with the admin's key");
        assertEquals(409, decide(id, "reject", "too late").status(), "a decision stands");
        assertEquals("active", loopState(loop), "the approval resumes the loop it paused");

        GatewayResponse answered = gateway.post(path, body).loop(loop).send();
        assertEquals(200, answered.status(), answered.body());
        assertTrue(answered.body().contains("billing/tests"), "the held answer: " + answered.body());
        assertEquals(1, gateway.upstream("primary").received().size(), "the held answer is not asked for again");
        assertEquals(0, charged.compareTo(gateway.spentUsd(loop)), "and not charged again");

        GatewayResponse next = gateway.post(path, body).loop(loop).send();
        assertEquals(2, gateway.upstream("primary").received().size(), "handed out once: the next call goes upstream");
        assertNotEquals(id, next.header("x-loopgate-approval-id"), "and its answer is held anew");

        assertTrue(Poll.until(Poll.WAIT, () -> events(loop).contains("approval.approve")));
        List<String> actions = events(loop);
        assertTrue(actions.containsAll(List.of("approval.hold", "approval.approve", "loop.pause", "loop.resume")),
                actions.toString());
    }

    private static List<String> events(String loop) {
        JsonNode report = gateway.request(HttpMethod.GET, "/reports/loops/" + loop
                + "?from=2026-01-01T00:00:00Z&to=2100-01-01T00:00:00Z").key(GatewayHarness.FINANCE_KEY).send().json();
        return StreamSupport.stream(report.path("events").spliterator(), false)
                .map(event -> event.path("action").asText()).toList();
    }

    private static String loopState(String loop) {
        return admin(HttpMethod.GET, "/admin/loops/" + loop, null).json().path("state").asText();
    }

    private static GatewayResponse decide(String id, String verdict, String reason) {
        return admin(HttpMethod.POST, "/admin/approvals/" + id + "/" + verdict, "{\"reason\":\"" + reason + "\"}");
    }

    private static GatewayResponse admin(HttpMethod method, String path, String body) {
        var request = gateway.request(method, path).key(GatewayHarness.ADMIN_KEY);
        return (body == null ? request : request.body(body)).send();
    }
}
