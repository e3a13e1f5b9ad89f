package dev.loopgate.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.ConsoleBrowser;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;

/**
 * An admin decides held tool calls in the console, in a real browser: the pending approval shows
 * the proposed call with its arguments; approving it (with a reason) resumes the run it paused and
 * lets the loop's identical request have the held answer. A loop's page shows its runs and its
 * approval events.
 */
class ConsoleApprovalsBrowserTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(ConsoleTraffic.CONFIG + """
            tools:
              "agent-*": { approve: [{ tool: run_tests, args: "billing/" }] }
            """, "primary");
    @RegisterExtension
    static final ConsoleBrowser browser = ConsoleBrowser.perClass(gateway);

    private static final String CHAT = """
            {"model":"auto","max_tokens":50,"messages":[{"role":"user","content":"test billing"}],
             "tools":[{"type":"function","function":{"name":"run_tests","parameters":{"type":"object"}}}]}""";

    @Test
    void anAdminApprovesAHeldCallAndTheLoopGetsItsAnswer() {
        gateway.upstream("primary").answer(UpstreamAnswer.json(200, Fixtures.CHAT_TOOL_CALLS));
        GatewayResponse held = call();
        assertEquals(403, held.status(), held.body());
        String id = held.header("x-loopgate-approval-id");

        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/approvals");
        browser.waitForPage("approvals");
        By row = By.cssSelector("#approvals-pending tr[data-approval='" + id + "']");
        browser.waitForText(row, "run_tests");
        browser.waitForText(row, "billing/tests");
        browser.screenshot("approvals");

        browser.click(By.cssSelector("button[aria-label='approve " + id + "']"));
        assertEquals("pending", approval(id).path("state").asText(), "no reason, no decision");
        browser.type(By.cssSelector("#approvals-pending tr[data-approval='" + id + "'] input"), "billing tests are read-only");
        browser.click(By.cssSelector("button[aria-label='approve " + id + "']"));
        browser.waitFor(By.cssSelector("#approvals-decided tr[data-approval='" + id + "'][data-state='approved']"));
        browser.waitForText(By.id("approvals-decided"), "billing tests are read-only");

        JsonNode decided = approval(id);
        assertEquals("approved", decided.path("state").asText());
        assertEquals("ops", decided.path("decided_by").asText());
        assertEquals("active", runState(), "the approval resumed the run it paused");
        GatewayResponse answered = call();
        assertEquals(200, answered.status(), answered.body());
        assertTrue(answered.body().contains("billing/tests"));

        browser.open("#/loop/agent-7");
        browser.waitForPage("loop");
        browser.waitForText(By.cssSelector("#loop-runs tr[data-run='ticket-12']"), "active");
        browser.waitForText(By.id("loop-events"), "approval.approve");
        browser.waitForText(By.id("loop-events"), id + ": run_tests — billing tests are read-only");
    }

    private static GatewayResponse call() {
        return gateway.post("/v1/chat/completions", CHAT).loop("agent-7").header("X-Loop-Run", "ticket-12").send();
    }

    private static String runState() {
        return gateway.request(HttpMethod.GET, "/admin/loops/agent-7/runs/ticket-12").key(GatewayHarness.ADMIN_KEY).send()
                .json().path("state").asText();
    }

    private static JsonNode approval(String id) {
        return gateway.request(HttpMethod.GET, "/admin/approvals/" + id).key(GatewayHarness.ADMIN_KEY).send().json();
    }
}
