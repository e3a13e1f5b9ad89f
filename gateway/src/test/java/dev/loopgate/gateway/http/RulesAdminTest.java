package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.TestUpstream;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /admin/rules}: admins read, change, check, explain and simulate routing rules while calls flow. */
class RulesAdminTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
            models:
              big:   { provider: primary, name: gpt-4.1, input: 2.0, output: 8.0 }
              small: { provider: primary, name: gpt-4.1-mini, input: 0.4, output: 1.6 }
              nano:  { provider: primary, name: gpt-4.1-nano, input: 0.1, output: 0.4 }
            tiers:
              frontier: [big]
              mid: [small, big]
              light: [nano]
            rules:
              - { id: checker-frontier, when: { role: checker }, route: frontier }
            """ + GatewayHarness.KEYS;
    static final String CHAT = """
            {"model":"auto","max_tokens":4000,"messages":[{"role":"user","content":"Plan the next step."}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "primary");
    static TestUpstream upstream;

    @BeforeAll
    static void findUpstream() {
        upstream = gateway.upstream("primary");
    }

    @Test
    void currentRulesShowTheirVersionAuthorAndRules() {
        JsonNode current = admin(HttpMethod.GET, "/admin/rules", null).json();

        assertTrue(current.path("version").asLong() >= 1);
        assertTrue(current.path("author").isTextual());
        assertTrue(current.path("rules").isArray());
    }

    @Test
    void aPutBecomesANewVersionThatRoutesTheNextCall() {
        long before = currentVersion();

        GatewayResponse put = put("- { id: everything-light, route: light }", "cheaper for the weekend");

        assertEquals(200, put.status(), put::toString);
        assertEquals(before + 1, put.json().path("version").asLong());
        assertEquals("ops", put.json().path("author").asText());
        assertEquals("cheaper for the weekend", put.json().path("comment").asText());
        GatewayResponse call = gateway.post("/v1/chat/completions", CHAT).send();
        assertEquals(200, call.status(), call::toString);
        assertEquals("everything-light", call.header("x-loopgate-rule"));
        assertEquals("light", call.header("x-loopgate-tier"));
        assertEquals("nano", call.header("x-loopgate-model"));
        assertEquals(Long.toString(before + 1), call.header("x-loopgate-rules-version"));
    }

    @Test
    void jsonRulesAreAcceptedLikeYaml() {
        GatewayResponse put = put("[{\"id\": \"json-frontier\", \"route\": \"frontier\"}]", null);

        assertEquals(200, put.status(), put::toString);
        assertEquals("json-frontier", gateway.post("/v1/chat/completions", CHAT).send().header("x-loopgate-rule"));
    }

    @Test
    void invalidRulesAreRefusedWithEveryProblemAndTheRunningVersionStays() {
        put("- { id: steady, route: mid }", null);
        long running = currentVersion();

        GatewayResponse refused = put("""
                - { id: a, when: { step: "five" }, route: mid }
                - { id: b, route: medium }
                """, null);

        assertEquals(400, refused.status(), refused::toString);
        JsonNode error = refused.json().path("error");
        assertEquals("invalid_request", error.path("code").asText());
        List<String> problems = texts(error.path("problems"));
        assertEquals(2, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("rules[0].when.step: "), problems::toString);
        assertTrue(problems.get(1).startsWith("rules[1].route: "), problems::toString);
        assertEquals(running, currentVersion());
        assertEquals("steady", gateway.post("/v1/chat/completions", CHAT).send().header("x-loopgate-rule"));
    }

    @Test
    void validateChecksRulesWithoutApplyingThem() {
        long running = currentVersion();

        GatewayResponse valid = admin(HttpMethod.POST, "/admin/rules/validate", "- { id: x, route: light }");
        GatewayResponse invalid = admin(HttpMethod.POST, "/admin/rules/validate", "- { id: x, route: nowhere }");

        assertEquals(200, valid.status(), valid::toString);
        assertTrue(valid.json().path("valid").asBoolean());
        assertEquals(400, invalid.status(), invalid::toString);
        assertTrue(texts(invalid.json().path("error").path("problems")).get(0).startsWith("rules[0].route: "));
        assertEquals(running, currentVersion());
    }

    @Test
    void versionsAreListedNewestFirstAndRollbackRepublishesAnOldOne() {
        long first = put("- { id: old-rules, route: light }", "old").json().path("version").asLong();
        long second = put("- { id: new-rules, route: frontier }", "new").json().path("version").asLong();

        JsonNode versions = admin(HttpMethod.GET, "/admin/rules/versions", null).json().path("data");
        assertEquals(second, versions.get(0).path("version").asLong());
        assertTrue(versions.get(0).path("current").asBoolean());
        assertEquals(first, versions.get(1).path("version").asLong());
        assertEquals("old", versions.get(1).path("comment").asText());

        GatewayResponse rolledBack = admin(HttpMethod.POST, "/admin/rules/rollback/" + first, null);

        assertEquals(200, rolledBack.status(), rolledBack::toString);
        assertEquals(second + 1, rolledBack.json().path("version").asLong());
        assertTrue(rolledBack.json().path("comment").asText().contains("rollback to version " + first));
        assertEquals("old-rules", gateway.post("/v1/chat/completions", CHAT).send().header("x-loopgate-rule"));
        assertEquals(404, admin(HttpMethod.POST, "/admin/rules/rollback/999999", null).status());
    }

    @Test
    void explainShowsEveryRuleAndTheDecision() {
        put("""
                - { id: checker-frontier, when: { role: checker }, route: frontier }
                - { id: default-mid, route: mid }
                """, null);

        JsonNode explained = admin(HttpMethod.POST, "/admin/rules/explain",
                "{\"request\":" + CHAT + ",\"headers\":{\"X-Loop-Role\":\"maker\"}}").json();

        JsonNode rules = explained.path("rules");
        assertEquals("checker-frontier", rules.get(0).path("id").asText());
        assertFalse(rules.get(0).path("matched").asBoolean());
        assertTrue(rules.get(0).path("detail").asText().contains("maker"), rules::toString);
        assertTrue(rules.get(1).path("matched").asBoolean());
        assertEquals("mid", explained.path("decision").path("tier").asText());
        assertEquals(List.of("small", "big"), texts(explained.path("decision").path("targets")));
    }

    @Test
    void simulateReplaysTrafficThroughCurrentAndCandidateRules() {
        put("- { id: all-mid, route: mid }", null);
        String traffic = "["
                + "{\"loop_id\":\"a\",\"model\":\"auto\",\"prompt_tokens\":1000,\"completion_tokens\":500},"
                + "{\"loop_id\":\"b\",\"model\":\"auto\",\"role\":\"checker\",\"prompt_tokens\":2000,\"completion_tokens\":100}"
                + "]";

        JsonNode report = admin(HttpMethod.POST, "/admin/rules/simulate", "{\"rules\":"
                + "\"- { id: checkers-up, when: { role: checker }, route: frontier }\\n- { id: rest-light, route: light }\","
                + "\"traffic\":" + traffic + "}").json();

        // Before: both on mid's small (0.4 / 1.6 per M). After: a on light's nano (0.1 / 0.4), b on big (2 / 8).
        BigDecimal before = usd(1000, 500, "0.4", "1.6").add(usd(2000, 100, "0.4", "1.6"));
        BigDecimal after = usd(1000, 500, "0.1", "0.4").add(usd(2000, 100, "2.0", "8.0"));
        assertEquals(2, report.path("calls").asLong());
        assertEquals(0, before.compareTo(new BigDecimal(report.path("before").path("cost_usd").asText())), report::toString);
        assertEquals(0, after.compareTo(new BigDecimal(report.path("after").path("cost_usd").asText())), report::toString);
        assertEquals(2, report.path("before").path("tiers").path("mid").path("calls").asLong());
        assertEquals(1, report.path("after").path("tiers").path("light").path("calls").asLong());
        assertEquals(1, report.path("after").path("tiers").path("frontier").path("calls").asLong());
        assertEquals(2, report.path("loops").size());
    }

    @Test
    void simulateCanReplayTheCallsTheAuditRecordedInAWindow() {
        for (String role : List.of("checker", "maker")) {
            GatewayResponse call = gateway.post("/v1/chat/completions", CHAT).loop("sim-audit").header("X-Loop-Role", role).send();
            assertEquals(200, call.status(), call::toString);
        }
        Poll.forValue(Poll.WAIT, () -> admin(HttpMethod.GET, "/reports/spend?loop=sim-audit", null).json()
                .path("totals").path("calls").asLong() == 2 ? Optional.of(true) : Optional.empty(), "the calls in the audit");
        String today = LocalDate.now(ZoneOffset.UTC).toString();

        JsonNode report = admin(HttpMethod.POST, "/admin/rules/simulate", "{\"rules\": \"- { id: all-light, route: light }\","
                + " \"recorded\": {\"from\": \"" + today + "\", \"to\": \"" + today + "\"}}").json();

        JsonNode traffic = report.path("traffic");
        assertEquals("audit", traffic.path("source").asText(), report::toString);
        assertEquals(today + "T00:00:00Z", traffic.path("from").asText());
        assertFalse(traffic.path("truncated").asBoolean());
        long calls = traffic.path("calls").asLong();
        assertTrue(calls >= 2, report::toString);
        assertEquals(calls, report.path("calls").asLong());
        assertEquals(calls, report.path("after").path("tiers").path("light").path("calls").asLong());
        Usage usage = Fixtures.usageOf(Fixtures.json(Fixtures.CHAT));
        BigDecimal onNano = usd(usage.promptTokens(), usage.completionTokens(), "0.1", "0.4").multiply(BigDecimal.valueOf(2));
        JsonNode loop = null;
        for (JsonNode each : report.path("loops")) {
            loop = each.path("loop_id").asText().equals("sim-audit") ? each : loop;
        }
        assertEquals(0, onNano.compareTo(new BigDecimal(loop.path("after_usd").asText())), report::toString);
    }

    @Test
    void simulateSaysWhichTrafficItReplayedAndRefusesABadWindow() {
        JsonNode sent = admin(HttpMethod.POST, "/admin/rules/simulate", "{\"rules\": [], \"traffic\": "
                + "[{\"loop_id\": \"a\", \"model\": \"auto\"}]}").json();
        GatewayResponse badWindow = admin(HttpMethod.POST, "/admin/rules/simulate",
                "{\"rules\": [], \"recorded\": {\"from\": \"last week\"}}");
        GatewayResponse notAnObject = admin(HttpMethod.POST, "/admin/rules/simulate", "{\"rules\": [], \"recorded\": 7}");

        assertEquals("request", sent.path("traffic").path("source").asText(), sent::toString);
        assertEquals(1, sent.path("traffic").path("calls").asLong());
        assertEquals(400, badWindow.status(), badWindow::toString);
        assertTrue(badWindow.json().path("error").path("message").asText().startsWith("recorded: 'from' must be a date"),
                badWindow::toString);
        assertEquals(400, notAnObject.status(), notAnObject::toString);
    }

    @Test
    void aRejectRuleRefusesTheCallBeforeAnyProviderIsAsked() {
        put("- { id: no-images, when: { images: true }, reject: { message: images are not allowed here } }", null);
        upstream.reset();

        GatewayResponse refused = gateway.post("/v1/chat/completions", """
                {"model":"auto","messages":[{"role":"user","content":[
                  {"type":"text","text":"What is this?"},
                  {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""").send();

        assertEquals(403, refused.status(), refused::toString);
        assertEquals("forbidden", refused.json().path("error").path("code").asText());
        assertTrue(refused.json().path("error").path("message").asText().contains("images are not allowed here"));
        assertEquals("no-images", refused.header("x-loopgate-rule"));
        assertTrue(upstream.received().isEmpty());
    }

    @Test
    void aMaxTokensCapLowersWhatTheProviderIsAskedFor() {
        put("- { id: capped, route: { tier: mid, max_tokens_cap: 100 } }", null);
        upstream.reset();

        gateway.post("/v1/chat/completions", CHAT).send();
        gateway.post("/v1/chat/completions", CHAT.replace("\"max_tokens\":4000,", "\"max_tokens\":50,")).send();
        gateway.post("/v1/chat/completions", CHAT.replace("\"max_tokens\":4000,", "")).send();

        List<Long> sent = new ArrayList<>();
        upstream.awaitRequests(3).forEach(r -> sent.add(r.json().path("max_tokens").asLong()));
        assertEquals(List.of(100L, 50L, 100L), sent);
    }

    @Test
    void onlyAdminKeysMayUseTheRulesApi() {
        GatewayResponse loopKey = gateway.request(HttpMethod.GET, "/admin/rules").send();
        GatewayResponse finance = gateway.request(HttpMethod.GET, "/admin/rules").key(GatewayHarness.FINANCE_KEY).send();
        GatewayResponse noKey = gateway.request(HttpMethod.GET, "/admin/rules").noKey().send();

        assertEquals(403, loopKey.status());
        assertEquals("forbidden", loopKey.json().path("error").path("code").asText());
        assertEquals(403, finance.status());
        assertEquals(401, noKey.status());
        assertEquals("invalid_api_key", noKey.json().path("error").path("code").asText());
    }

    private static GatewayResponse put(String rules, String comment) {
        return admin(HttpMethod.PUT, "/admin/rules" + (comment == null ? "" : "?comment=" + comment.replace(" ", "%20")),
                rules);
    }

    private static long currentVersion() {
        return admin(HttpMethod.GET, "/admin/rules", null).json().path("version").asLong();
    }

    private static GatewayResponse admin(HttpMethod method, String path, String body) {
        return gateway.request(method, path).key(GatewayHarness.ADMIN_KEY).body(body).send();
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static BigDecimal usd(long prompt, long completion, String input, String output) {
        return new BigDecimal(input).multiply(BigDecimal.valueOf(prompt))
                .add(new BigDecimal(output).multiply(BigDecimal.valueOf(completion)))
                .divide(BigDecimal.valueOf(1_000_000));
    }
}
