package dev.loopgate.gateway.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code tools:} through the real gateway in each inbound dialect: a request that gives the
 * model a tool its loop may not have gets 403 {@code tool_forbidden} naming it, in the caller's
 * error shape, and nothing is forwarded or charged; an allowed tool passes.
 */
class ToolScopeTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD + """
            tools:
              "ops-*": { deny: ["deploy_*", { tool: Bash, args: "rm -rf" }, Bash] }
              "ro-*": { allow: [Read, "Grep*"] }
              "ci-*": { deny: [{ tool: run_tests, args: "billing/" }] }
              "lab-*": { deny: [{ tool: run_tests, args: "payments/" }] }
            """, "primary");

    @Test
    void chatWithADeniedToolIsRefusedBeforeAnythingIsForwarded() {
        GatewayResponse refused = gateway.post("/v1/chat/completions", """
                {"model":"small","messages":[{"role":"user","content":"ship it"}],
                 "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}},
                          {"type":"function","function":{"name":"deploy_prod","parameters":{"type":"object"}}}]}""")
                .loop("ops-1").send();
        assertEquals(403, refused.status(), refused.body());
        JsonNode error = refused.json().path("error");
        assertEquals("tool_forbidden", error.path("code").asText());
        assertEquals("permission_error", error.path("type").asText());
        assertTrue(error.path("message").asText().contains("'deploy_prod'"), error.toString());
        assertEquals(0, gateway.upstream("primary").received().size(), "nothing forwarded");
        assertEquals(0, gateway.spentUsd("ops-1").signum(), "nothing charged");
    }

    @Test
    void messagesWithADeniedToolIsRefusedInAnthropicsShape() {
        GatewayResponse refused = gateway.post("/v1/messages", """
                {"model":"small","max_tokens":16,"messages":[{"role":"user","content":"clean up"}],
                 "tools":[{"name":"Bash","input_schema":{"type":"object"}}]}""").loop("ops-2").send();
        assertEquals(403, refused.status(), refused.body());
        assertEquals("error", refused.json().path("type").asText());
        assertEquals("permission_error", refused.json().path("error").path("type").asText());
        assertTrue(refused.json().path("error").path("message").asText().startsWith("tool_forbidden: "), refused.body());
        assertTrue(refused.json().path("error").path("message").asText().contains("'Bash'"), refused.body());
        assertEquals(0, gateway.upstream("primary").received().size());
    }

    @Test
    void responsesWithAToolOutsideTheAllowListIsRefused() {
        GatewayResponse refused = gateway.post("/v1/responses", """
                {"model":"small","input":"edit the file",
                 "tools":[{"type":"function","name":"Read","parameters":{"type":"object"}},
                          {"type":"function","name":"Write","parameters":{"type":"object"}}]}""").loop("ro-1").send();
        assertEquals(403, refused.status(), refused.body());
        assertEquals("tool_forbidden", refused.json().path("error").path("code").asText());
        assertTrue(refused.json().path("error").path("message").asText().contains("'Write'"), refused.body());
        assertEquals(0, gateway.upstream("primary").received().size());
    }

    @Test
    void allowedToolsAndLoopsWithoutAScopePass() {
        assertEquals(200, gateway.post("/v1/chat/completions", """
                {"model":"small","messages":[{"role":"user","content":"look"}],
                 "tools":[{"type":"function","function":{"name":"GrepFiles","parameters":{"type":"object"}}},
                          {"type":"function","function":{"name":"Read","parameters":{"type":"object"}}}]}""")
                .loop("ro-2").send().status());
        assertEquals(200, gateway.post("/v1/chat/completions", """
                {"model":"small","messages":[{"role":"user","content":"anything goes"}],
                 "tools":[{"type":"function","function":{"name":"deploy_prod","parameters":{"type":"object"}}}]}""")
                .loop("free-1").send().status(), "no glob matches this loop: any tool");
    }

    @Test
    void aProposedCallADenyPatternFindsIsNotDeliveredInAnyDialectButIsCharged() {
        gateway.upstream("primary").answer(UpstreamAnswer.json(200, Fixtures.CHAT_TOOL_CALLS));
        String chat = """
                {"model":"small","messages":[{"role":"user","content":"test billing"}],
                 "tools":[{"type":"function","function":{"name":"run_tests","parameters":{"type":"object"}}}]}""";
        GatewayResponse chatRefused = gateway.post("/v1/chat/completions", chat).loop("ci-chat").send();
        assertEquals(403, chatRefused.status(), chatRefused.body());
        assertEquals("tool_forbidden", chatRefused.json().path("error").path("code").asText());
        assertTrue(chatRefused.json().path("error").path("message").asText().contains("'run_tests'"));
        assertFalse(chatRefused.body().contains("billing/tests"), "nothing of the call is delivered");
        assertTrue(gateway.spentUsd("ci-chat").signum() > 0, "the answer was made upstream: it is charged");

        GatewayResponse messagesRefused = gateway.post("/v1/messages", """
                {"model":"small","max_tokens":64,"messages":[{"role":"user","content":"test billing"}],
                 "tools":[{"name":"run_tests","input_schema":{"type":"object"}}]}""").loop("ci-messages").send();
        assertEquals(403, messagesRefused.status(), messagesRefused.body());
        assertTrue(messagesRefused.json().path("error").path("message").asText().startsWith("tool_forbidden: "));

        GatewayResponse responsesRefused = gateway.post("/v1/responses", """
                {"model":"small","input":"test billing",
                 "tools":[{"type":"function","name":"run_tests","parameters":{"type":"object"}}]}""")
                .loop("ci-responses").send();
        assertEquals(403, responsesRefused.status(), responsesRefused.body());
        assertEquals("tool_forbidden", responsesRefused.json().path("error").path("code").asText());

        GatewayResponse delivered = gateway.post("/v1/chat/completions", chat).loop("lab-1").send();
        assertEquals(200, delivered.status(), "the pattern does not find these arguments: " + delivered.body());
        assertTrue(delivered.body().contains("billing/tests"));
    }
}
