package dev.loopgate.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
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

/** {@code /reports/*}: what finance reads, grouped, windowed, as JSON or CSV, and who may read it. */
class ReportsApiTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
            models:
              big:   { provider: primary, name: gpt-4.1, input: 2.0, output: 8.0 }
              small: { provider: primary, name: gpt-4.1-mini, input: 0.4, output: 1.6 }
              nano:  { provider: primary, name: gpt-4.1-nano, input: 0.1, output: 0.4 }
            tiers: { frontier: [big], mid: [small], light: [nano] }
            rules:
              - { id: 'checkers, "quoted"', when: { role: checker }, route: frontier }
              - { id: "=HYPERLINK", when: { role: tagger }, route: light }
              - { id: rest, route: mid }
            """ + GatewayHarness.KEYS;
    static final String CHAT = """
            {"model":"auto","messages":[{"role":"user","content":"Next?"}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "primary");
    static BigDecimal frontierCost;
    static BigDecimal lightCost;
    static BigDecimal midCost;

    /** 3 checker calls (frontier), 2 tagger calls (light), 4 maker calls (mid), in two loops; then wait for the rows. */
    @BeforeAll
    static void seed() {
        Usage usage = Fixtures.usageOf(Fixtures.json(Fixtures.CHAT));
        frontierCost = Fixtures.costUsd(usage, "2.0", "2.0", "8.0").multiply(BigDecimal.valueOf(3));
        lightCost = Fixtures.costUsd(usage, "0.1", "0.1", "0.4").multiply(BigDecimal.valueOf(2));
        midCost = Fixtures.costUsd(usage, "0.4", "0.4", "1.6").multiply(BigDecimal.valueOf(4));
        for (int i = 0; i < 3; i++) {
            call("report-a", "checker");
        }
        for (int i = 0; i < 2; i++) {
            call("report-b", "tagger");
        }
        for (int i = 0; i < 4; i++) {
            call(i % 2 == 0 ? "report-a" : "report-b", "maker");
        }
        Poll.forValue(Poll.WAIT, () -> {
            JsonNode totals = spend("group_by=loop").json().path("totals");
            return totals.path("calls").asLong() == 9 ? Optional.of(totals) : Optional.empty();
        }, "the 9 calls in the report");
    }

    @Test
    void spendGroupsByTierSortedByCost() {
        JsonNode report = spend("group_by=tier").json();

        JsonNode rows = report.path("rows");
        assertEquals(List.of("frontier", "mid", "light"), field(rows, "tier"));
        assertEquals(List.of(3L, 4L, 2L), List.of(rows.get(0).path("calls").asLong(), rows.get(1).path("calls").asLong(),
                rows.get(2).path("calls").asLong()));
        assertMoney(frontierCost, rows.get(0).path("cost_usd"));
        assertMoney(midCost, rows.get(1).path("cost_usd"));
        assertMoney(lightCost, rows.get(2).path("cost_usd"));
        assertMoney(frontierCost.add(midCost).add(lightCost), report.path("totals").path("cost_usd"));
    }

    @Test
    void spendGroupsByLoopAndTierTogether() {
        JsonNode rows = spend("group_by=loop,tier").json().path("rows");

        assertEquals(4, rows.size(), rows::toString);
        for (JsonNode row : rows) {
            assertTrue(row.has("loop") && row.has("tier"), row::toString);
        }
    }

    @Test
    void aWindowWithoutCallsIsEmptyAndTheDayGroupingIsUtc() {
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        JsonNode future = spend("from=" + tomorrow + "&group_by=tier").json();
        assertEquals(0, future.path("rows").size());
        assertEquals(0, future.path("totals").path("calls").asLong());

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode days = spend("from=" + today + "&to=" + today + "&group_by=day").json().path("rows");
        assertEquals(List.of(today), field(days, "day"));
        assertEquals(9, days.get(0).path("calls").asLong());
    }

    @Test
    void csvQuotesWhatNeedsQuotingDefusesFormulasAndMatchesTheJson() {
        GatewayResponse csv = spend("group_by=rule&format=csv");

        assertEquals(200, csv.status(), csv::toString);
        assertTrue(csv.header("content-type").startsWith("text/csv"));
        assertTrue(csv.header("content-disposition").startsWith("attachment; filename=\"loopgate-spend-"));
        String[] lines = csv.body().split("\r\n", -1);
        assertEquals("rule,calls,errors,prompt_tokens,completion_tokens,cached_tokens,cost_usd", lines[0]);
        assertEquals("", lines[lines.length - 1], "every line ends with CRLF");
        List<String> body = List.of(lines).subList(1, lines.length - 1);
        assertTrue(body.stream().anyMatch(line -> line.startsWith("\"checkers, \"\"quoted\"\"\",3,0,")), csv.body());
        assertTrue(body.stream().anyMatch(line -> line.startsWith("'=HYPERLINK,2,0,")), csv.body());
        JsonNode json = spend("group_by=rule").json().path("rows");
        for (JsonNode row : json) {
            assertTrue(body.stream().anyMatch(line -> line.endsWith("," + row.path("cost_usd").asText())), csv.body());
        }
    }

    @Test
    void spendForOneLoopCountsOnlyItsCallsAndNamesItsCsvAfterIt() {
        JsonNode report = spend("loop=report-a&group_by=tier").json();
        GatewayResponse csv = spend("loop=report-a&group_by=tier&format=csv");

        assertEquals("report-a", report.path("loop").asText());
        assertEquals(5, report.path("totals").path("calls").asLong(), report::toString);
        assertEquals(List.of("frontier", "mid"), field(report.path("rows"), "tier"));
        assertTrue(csv.header("content-disposition").startsWith("attachment; filename=\"loopgate-spend-report-a-"), csv::toString);
        assertEquals(3, csv.body().split("\r\n").length, "a header and two tiers");
        assertEquals(400, spend("loop=bad%20loop").status());
    }

    @Test
    void budgetsShowEachLoopsLedgerToFinanceReadOnly() {
        JsonNode all = gateway.request(HttpMethod.GET, "/reports/budgets").key(GatewayHarness.FINANCE_KEY).send().json();
        JsonNode one = gateway.request(HttpMethod.GET, "/reports/budgets?loop=report-b").key(GatewayHarness.FINANCE_KEY)
                .send().json();

        assertTrue(field(all.path("data"), "loop_id").containsAll(List.of("report-a", "report-b")), all::toString);
        assertEquals(1, one.path("data").size());
        JsonNode b = one.path("data").get(0);
        assertEquals("report-b", b.path("loop_id").asText());
        assertEquals("active", b.path("state").asText());
        assertTrue(new BigDecimal(b.path("spent_usd").asText()).signum() > 0, b::toString);
        assertTrue(b.path("budget").isObject() && !b.has("history"), b::toString);
        assertEquals(403, gateway.request(HttpMethod.GET, "/reports/budgets").send().status(), "not for loop keys");
        assertEquals(405, gateway.request(HttpMethod.PUT, "/reports/budgets").key(GatewayHarness.FINANCE_KEY).send().status(),
                "read-only");
    }

    @Test
    void badQueriesGet400NotingWhatIsWrong() {
        GatewayResponse badGroup = spend("group_by=colour");
        GatewayResponse badDate = spend("from=yesterday");
        GatewayResponse badFormat = spend("format=xlsx");

        assertEquals(400, badGroup.status());
        assertTrue(badGroup.json().path("error").path("message").asText().contains("colour"));
        assertEquals(400, badDate.status());
        assertEquals(400, badFormat.status());
    }

    @Test
    void aLoopReportShowsItsTotalsTiersDaysRulesAndItsPauseAndResume() {
        admin(HttpMethod.POST, "/admin/loops/report-a/pause", "{\"reason\":\"checking the bill\"}");
        admin(HttpMethod.POST, "/admin/loops/report-a/resume", "{\"reason\":\"bill is fine\"}");

        JsonNode report = Poll.forValue(Poll.WAIT, () -> {
            JsonNode loop = gateway.request(HttpMethod.GET, "/reports/loops/report-a").key(GatewayHarness.FINANCE_KEY)
                    .send().json();
            return loop.path("events").size() >= 2 ? Optional.of(loop) : Optional.empty();
        }, "the pause and the resume in the loop's report");

        assertEquals(5, report.path("totals").path("calls").asLong());
        assertEquals(List.of("frontier", "mid"), field(report.path("tiers"), "tier"));
        assertEquals(1, report.path("days").size());
        assertEquals("checkers, \"quoted\"", report.path("top_rules").get(0).path("rule").asText());
        JsonNode resume = report.path("events").get(0);
        assertEquals("loop.resume", resume.path("action").asText());
        assertEquals("ops", resume.path("actor").asText());
        assertEquals("bill is fine", resume.path("detail").path("reason").asText());
        assertEquals("loop.pause", report.path("events").get(1).path("action").asText());
    }

    @Test
    void onlyFinanceAndAdminKeysMayReadReports() {
        assertEquals(200, gateway.request(HttpMethod.GET, "/reports/spend").key(GatewayHarness.FINANCE_KEY).send().status());
        assertEquals(200, gateway.request(HttpMethod.GET, "/reports/spend").key(GatewayHarness.ADMIN_KEY).send().status());
        GatewayResponse loopKey = gateway.request(HttpMethod.GET, "/reports/spend").send();
        assertEquals(403, loopKey.status());
        assertEquals("forbidden", loopKey.json().path("error").path("code").asText());
        assertEquals(401, gateway.request(HttpMethod.GET, "/reports/spend").noKey().send().status());
        assertEquals(403, gateway.request(HttpMethod.GET, "/reports/loops/report-a").send().status());
        assertEquals(403, gateway.request(HttpMethod.POST, "/admin/audit/verify").key(GatewayHarness.FINANCE_KEY)
                .send().status(), "verifying the audit is an admin's job");
    }

    @Test
    void anAdminCanVerifyTheAuditTrail() {
        GatewayResponse verified = admin(HttpMethod.POST, "/admin/audit/verify", null);

        assertEquals(200, verified.status(), verified::toString);
        assertTrue(verified.json().path("intact").asBoolean(), verified::toString);
        assertTrue(verified.json().path("rows_checked").asLong() >= 9);
    }

    private static void call(String loop, String role) {
        GatewayResponse response = gateway.post("/v1/chat/completions", CHAT).loop(loop).header("X-Loop-Role", role).send();
        assertEquals(200, response.status(), response::toString);
    }

    private static GatewayResponse spend(String query) {
        return gateway.request(HttpMethod.GET, "/reports/spend?" + query).key(GatewayHarness.FINANCE_KEY).send();
    }

    private static GatewayResponse admin(HttpMethod method, String path, String body) {
        return gateway.request(method, path).key(GatewayHarness.ADMIN_KEY).body(body).send();
    }

    private static List<String> field(JsonNode rows, String name) {
        List<String> values = new ArrayList<>();
        rows.forEach(row -> values.add(row.path(name).asText()));
        return values;
    }

    private static void assertMoney(BigDecimal expected, JsonNode actual) {
        assertEquals(0, expected.compareTo(new BigDecimal(actual.asText())), "expected " + expected + ", got " + actual);
    }
}
