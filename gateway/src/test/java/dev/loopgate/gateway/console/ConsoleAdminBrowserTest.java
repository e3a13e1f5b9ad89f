package dev.loopgate.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.ConsoleBrowser;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.ShiftedClock;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * An admin in the console, in a real browser: pausing and resuming loops with reasons, a budget
 * override, the rules editor (validation problems at their paths, a simulation over the calls the
 * audit recorded, apply), rule versions with a diff and rollback, and provider health.
 */
class ConsoleAdminBrowserTest {
    static final ShiftedClock clock = new ShiftedClock();
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(ConsoleTraffic.CONFIG, "primary").withClock(clock);
    @RegisterExtension
    static final ConsoleBrowser browser = ConsoleBrowser.perClass(gateway);
    static long served;
    static String configuredRules;

    /** Three loops over two days, and one that spends past its small budget until the breaker pauses it. */
    @BeforeAll
    static void seed() throws Exception {
        ConsoleTraffic traffic = new ConsoleTraffic(gateway, clock);
        traffic.add("alpha", "maker", 3).add("alpha", "checker", 1).add("beta", "tagger", 4).send(1);
        traffic.add("alpha", "maker", 2).add("gamma", "checker", 2).add("gamma", "maker", 2).send(0);
        traffic.add("runaway-1", "checker", 2).send(0);  // the second call spends past its $0.005: the breaker trips
        for (int i = 0; i < 2; i++) {
            GatewayResponse refused = gateway.post("/v1/chat/completions", ConsoleTraffic.CHAT).loop("runaway-1")
                    .header("X-Loop-Role", "checker").send();
            assertEquals(403, refused.status(), refused::toString);
        }
        served = traffic.sent();
        traffic.awaitAudited(served + 2);
        configuredRules = admin(HttpMethod.GET, "/admin/rules", null).json().path("rules").toString();
    }

    @Test
    void anAdminPausesALoopSeesItPausedThenResumesItWithAReasonInItsHistory() {
        browser.signIn(GatewayHarness.ADMIN_KEY);
        assertEquals(List.of("Spend", "Loops", "Loop control", "Approvals", "Rules", "Rule versions", "Providers", "Keys"), texts("#nav a"));
        browser.open("#/control");
        browser.waitForPage("control");
        assertEquals("runaway-1", browser.js("return document.querySelector('#control-table tbody tr').dataset.loop"),
                "paused loops first");
        browser.waitForText(By.cssSelector("#control-table tr[data-loop='runaway-1']"), "hard_budget: spent");

        browser.click(By.cssSelector("button[aria-label='pause alpha']"));
        browser.type(By.cssSelector(".reason-row input"), "checking its prompts");
        browser.click(By.cssSelector(".reason-row button[type=submit]"));
        browser.waitFor(By.cssSelector("#control-table tr[data-loop='alpha'][data-state='paused']"));
        browser.waitForText(By.cssSelector("#control-table tr[data-loop='alpha']"), "manual: checking its prompts");
        browser.screenshot("control");

        browser.click(By.linkText("alpha"));
        browser.waitForPage("loop");
        browser.waitForText(By.id("loop-state"), "paused");
        browser.type(By.cssSelector(".resume-form input"), "prompts fixed");
        browser.click(By.cssSelector(".resume-form button[type=submit]"));
        browser.waitForText(By.id("loop-state"), "active");
        browser.waitForText(By.id("loop-history"), "prompts fixed");
        browser.screenshot("loop-admin");

        JsonNode alpha = admin(HttpMethod.GET, "/admin/loops/alpha", null).json();
        assertEquals("active", alpha.path("state").asText());
        JsonNode last = alpha.path("history").get(0);
        assertEquals("resume", last.path("event").asText());
        assertEquals("prompts fixed", last.path("reason").asText());
        assertEquals("ops", last.path("by").asText());
    }

    @Test
    void aResumeWithoutAReasonIsNotSent() {
        admin(HttpMethod.POST, "/admin/loops/gamma/pause", "{\"reason\":\"hold\"}");
        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/loop/gamma");
        browser.waitForPage("loop");
        browser.click(By.cssSelector(".resume-form button[type=submit]"));

        assertEquals(Boolean.FALSE, browser.js("return document.querySelector('.resume-form input').checkValidity()"));
        assertEquals("paused", admin(HttpMethod.GET, "/admin/loops/gamma", null).json().path("state").asText());
        admin(HttpMethod.POST, "/admin/loops/gamma/resume", "{\"reason\":\"test done\"}");
    }

    @Test
    void anAdminOverridesALoopsBudget() {
        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/loop/beta");
        browser.waitForPage("loop");
        browser.type(By.cssSelector("#budget-form input[name=usd]"), "2.5");
        browser.click(By.cssSelector("#budget-form button[type=submit]"));

        browser.waitForText(By.id("loop-control"), "of $2.50 (total)");
        browser.waitForText(By.id("loop-control"), "admin override");
        JsonNode budget = admin(HttpMethod.GET, "/admin/loops/beta", null).json().path("budget");
        assertEquals("admin", budget.path("source").asText());
        assertEquals(0, new BigDecimal("2.5").compareTo(new BigDecimal(budget.path("usd").asText())));
    }

    @Test
    void invalidRulesShowEachProblemAtItsPathAndNothingIsApplied() {
        long version = currentVersion();
        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/rules");
        browser.waitForPage("rules");
        browser.type(By.id("rules-text"), "- { id: a, when: { step: \"five\" }, route: mid }\n- { id: b, route: medium }\n");
        browser.click(By.id("validate"));

        browser.waitFor(By.id("rule-problems"));
        browser.screenshot("rules-problems");
        assertEquals(List.of("rules[0].when.step", "rules[1].route"), attributes("#rule-problems li", "data-path"));
        browser.waitForText(By.id("rule-problems"), "unknown tier 'medium'");
        browser.click(By.id("simulate"));
        browser.waitFor(By.id("rule-problems"));
        assertEquals(Boolean.TRUE, browser.js("return document.getElementById('apply').disabled"), "nothing to apply");
        assertEquals(version, currentVersion());
    }

    @Test
    void aValidChangeShowsItsSimulationOverRecordedTrafficThenAppliesAsANewVersion() {
        long version = currentVersion();
        String candidate = "- { id: checkers-mid, when: { role: checker }, route: mid }\n- { id: rest-light, route: light }\n";
        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/rules");
        browser.waitForPage("rules");
        browser.type(By.id("rules-text"), candidate);
        browser.click(By.id("simulate"));
        browser.waitFor(By.id("simulation"));
        browser.screenshotWholePage("rules-simulation");

        String window = "{\"from\":\"" + value("replay-from") + "\",\"to\":\"" + value("replay-to") + "\"}";
        JsonNode expected = admin(HttpMethod.POST, "/admin/rules/simulate",
                "{\"rules\":" + Json.MAPPER.getNodeFactory().textNode(candidate).toString() + ",\"recorded\":" + window + "}").json();
        assertEquals(served, expected.path("traffic").path("calls").asLong(), expected::toString);
        browser.waitForText(By.id("simulation-source"), "Replayed " + served + " calls recorded from");
        for (String tier : List.of("frontier", "mid", "light")) {
            List<String> cells = cells("#simulation-tiers tr[data-tier='" + tier + "'] td");
            assertEquals(expected.path("before").path("tiers").path(tier).path("calls").asText(), cells.get(1), tier);
            assertEquals(expected.path("after").path("tiers").path(tier).path("calls").asText(), cells.get(2), tier);
        }
        assertEquals(expected.path("loops").size(), cells("#simulation-loops tbody tr").size());

        browser.type(By.id("rules-comment"), "checkers to mid");
        browser.click(By.id("apply"));
        browser.waitForText(By.id("rules-applied"), "Applied as version " + (version + 1));
        JsonNode current = admin(HttpMethod.GET, "/admin/rules", null).json();
        assertEquals(version + 1, current.path("version").asLong());
        assertEquals("checkers to mid", current.path("comment").asText());
        assertEquals("checkers-mid", current.path("rules").get(0).path("id").asText());
        browser.waitForText(By.id("rules-current"), "Version " + (version + 1) + " by ops");
        restoreConfiguredRules();
    }

    @Test
    void ruleVersionsShowALineDiffAgainstTheCurrentRulesAndRollBack() {
        long old = put("- { id: all-light, route: light }", "try everything on light");
        restoreConfiguredRules();
        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/history");
        browser.waitForPage("history");
        browser.click(By.cssSelector("button[aria-label='Diff version " + old + " with the current rules']"));

        browser.waitFor(By.id("rules-diff"));
        browser.screenshot("rule-versions");
        assertTrue(cells("#rules-diff .del").stream().anyMatch(line -> line.startsWith("- ") && line.contains("all-light")));
        assertTrue(cells("#rules-diff .add").stream().anyMatch(line -> line.startsWith("+ ") && line.contains("checkers-frontier")));

        browser.click(By.cssSelector("button[aria-label='Roll back to version " + old + "']"));
        browser.type(By.id("rollback-comment"), "weekend");
        browser.click(By.cssSelector("#rollback-form button[type=submit]"));
        browser.waitForText(By.cssSelector("#versions-table tbody tr:first-child"), "(current)");
        browser.waitForText(By.cssSelector("#versions-table tbody tr:first-child"), "rollback to version " + old + ": weekend");
        assertEquals("all-light", admin(HttpMethod.GET, "/admin/rules", null).json().path("rules").get(0).path("id").asText());
        restoreConfiguredRules();
    }

    @Test
    void providerHealthShowsEveryTargetsBreakerAsTheApiReportsIt() {
        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/providers");
        browser.waitForPage("providers");

        List<WebElement> rows = browser.until("the primary provider's targets", driver -> {
            List<WebElement> found = driver.findElements(By.cssSelector("#provider-primary tbody tr[data-model]"));
            return found.size() == 3 ? found : null;
        });
        JsonNode api = admin(HttpMethod.GET, "/admin/providers", null).json().path("data").get(0).path("targets");
        for (int i = 0; i < 3; i++) {
            assertEquals(api.get(i).path("model").asText(), rows.get(i).getAttribute("data-model"));
            assertEquals(api.get(i).path("state").asText(), rows.get(i).getAttribute("data-state"));
        }
        assertEquals("closed", rows.get(0).getAttribute("data-state"), "every call here was answered");
        browser.screenshot("providers");
    }

    private static long put(String rules, String comment) {
        GatewayResponse put = gateway.request(HttpMethod.PUT, "/admin/rules").key(GatewayHarness.ADMIN_KEY)
                .header("X-Loopgate-Comment", comment).body(rules).send();
        assertEquals(200, put.status(), put::toString);
        return put.json().path("version").asLong();
    }

    private static void restoreConfiguredRules() {
        put(configuredRules, "back to the configured rules");
    }

    private static long currentVersion() {
        return admin(HttpMethod.GET, "/admin/rules", null).json().path("version").asLong();
    }

    private static String value(String id) {
        return browser.waitFor(By.id(id)).getDomProperty("value");
    }

    private static List<String> texts(String css) {
        List<String> texts = new ArrayList<>();
        browser.driver().findElements(By.cssSelector(css)).forEach(e -> texts.add(e.getText()));
        return texts;
    }

    @SuppressWarnings("unchecked")
    private static List<String> cells(String css) {
        return (List<String>) browser.js("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
    }

    @SuppressWarnings("unchecked")
    private static List<String> attributes(String css, String attribute) {
        return (List<String>) browser.js("return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))",
                css, attribute);
    }

    @Test
    void anAdminMakesAKeyThatWorksAtOnceAndRevokesIt() {
        browser.signIn(GatewayHarness.ADMIN_KEY);
        browser.open("#/keys");
        browser.waitForPage("keys");
        browser.waitForText(By.cssSelector("#keys-table tr[data-name='ops']"), "gateway.yaml");
        browser.type(By.id("key-name"), "console-bot");
        browser.type(By.id("key-loops"), "console-*");
        browser.click(By.cssSelector("#key-form button[type=submit]"));
        String secret = browser.waitFor(By.id("new-key-secret")).getText();
        assertTrue(secret.startsWith("lg-"), secret);
        browser.waitForText(By.cssSelector("#keys-table tr[data-name='console-bot']"), "admin API");
        browser.screenshot("keys");
        // /v1/models checks the key without a model call (which would join the traffic the simulations replay)
        assertEquals(200, gateway.request(HttpMethod.GET, "/v1/models").key(secret).send().status(),
                "the key works as soon as it is shown");

        browser.click(By.cssSelector("button[aria-label='revoke console-bot']"));
        browser.until("the key is gone from the list", driver -> driver.findElements(
                By.cssSelector("#keys-table tr[data-name='console-bot']")).isEmpty());
        assertEquals(401, gateway.request(HttpMethod.GET, "/v1/models").key(secret).send().status(), "revoked");
    }

    static GatewayResponse admin(HttpMethod method, String path, String body) {
        return gateway.request(method, path).key(GatewayHarness.ADMIN_KEY).body(body).send();
    }
}
