package dev.loopgate.gateway.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.ConsoleBrowser;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ShiftedClock;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Finance in the console, in a real browser: a week of traffic over 1,000 loops sent through the
 * gateway, then the spend chart, the ranking, a loop's page and the CSV downloads checked
 * against the reports API they are drawn from.
 */
class ConsoleFinanceBrowserTest {
    static final ShiftedClock clock = new ShiftedClock();
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(ConsoleTraffic.CONFIG, "primary").withClock(clock);
    @RegisterExtension
    static final ConsoleBrowser browser = ConsoleBrowser.perClass(gateway);
    static final int SMALL_LOOPS = 995;

    /** Three loops busy all week (two of them on every tier), then 995 one-call loops today. */
    @BeforeAll
    static void seed() throws Exception {
        ConsoleTraffic traffic = new ConsoleTraffic(gateway, clock);
        for (int day = 6; day >= 0; day--) {
            traffic.add("nightly-build", "checker", 4 + 2 * (day % 3)).add("nightly-build", "maker", 6)
                    .add("support-triage", "tagger", 10).add("support-triage", "maker", day % 2);
            if (day <= 3) {
                traffic.add("research-agent", "checker", 4).add("research-agent", "maker", 2);
            }
            traffic.send(day);
        }
        for (int i = 0; i < SMALL_LOOPS; i++) {
            traffic.add(String.format("batch-%04d", i), i % 50 == 0 ? "maker" : "tagger", 1);
        }
        traffic.send(0);
        traffic.awaitAudited();
        GatewayResponse pause = admin(HttpMethod.POST, "/admin/loops/nightly-build/pause", "{\"reason\":\"bill check\"}");
        assertEquals(200, pause.status(), pause::toString);
        GatewayResponse resume = admin(HttpMethod.POST, "/admin/loops/nightly-build/resume", "{\"reason\":\"bill is fine\"}");
        assertEquals(200, resume.status(), resume::toString);
        Poll.forValue(Poll.WAIT, () -> financeJson("/reports/loops/nightly-build").path("events").size() == 2
                ? Optional.of(true) : Optional.empty(), "the pause and the resume in the audit");
    }

    @Test
    void financeSignsInAndTheSpendChartDrawsTheReportStackedByTier() {
        browser.signIn(GatewayHarness.FINANCE_KEY);
        browser.screenshot("spend");

        assertEquals(List.of("Spend", "Loops"), navLinks(), "finance is shown no admin page");
        Map<String, Object> chart = chart("spend-chart");
        @SuppressWarnings("unchecked")
        List<String> days = (List<String>) chart.get("labels");
        assertEquals(30, days.size(), "the last 30 days, today included");
        assertEquals(LocalDate.now(ZoneOffset.UTC).toString(), days.get(29));
        Map<String, double[]> drawn = datasets(chart);
        assertEquals(List.of("frontier", "mid", "light"), List.copyOf(drawn.keySet()), "tiers stacked in their order");
        Map<String, double[]> reported = new LinkedHashMap<>();
        String query = "from=" + value(By.name("from")) + "&to=" + value(By.name("to")) + "&group_by=day,tier";
        for (JsonNode row : financeJson("/reports/spend?" + query).path("rows")) {
            reported.computeIfAbsent(row.path("tier").asText(), t -> new double[days.size()])
                    [days.indexOf(row.path("day").asText())] = Double.parseDouble(row.path("cost_usd").asText());
        }
        assertEquals(reported.keySet(), drawn.keySet());
        for (String tier : drawn.keySet()) {
            assertArrayEquals(reported.get(tier), drawn.get(tier), "the " + tier + " bars are the report's costs");
        }
        assertEquals(7, Arrays.stream(drawn.get("frontier")).filter(cost -> cost > 0).count(), "a week of frontier spend");
    }

    @Test
    void theSpendChartCanBucketByHour() {
        browser.signIn(GatewayHarness.FINANCE_KEY);
        new Select(browser.waitFor(By.name("bucket"))).selectByValue("hour");
        browser.click(By.cssSelector("form[aria-label='Date range'] button[type=submit]"));
        browser.until("the hourly chart", driver -> driver.getCurrentUrl().contains("bucket=hour"));
        browser.waitForPage("spend");

        Map<String, Object> chart = chart("spend-chart");
        @SuppressWarnings("unchecked")
        List<String> hours = (List<String>) chart.get("labels");
        assertEquals(30 * 24, hours.size());
        assertTrue(hours.get(hours.size() - 1).endsWith("T23"), hours.get(hours.size() - 1));
        double drawn = datasets(chart).values().stream().flatMapToDouble(Arrays::stream).sum();
        double reported = financeJson("/reports/spend?group_by=hour&from=" + value(By.name("from")) + "&to="
                + value(By.name("to"))).path("totals").path("cost_usd").asDouble();
        assertEquals(reported, drawn, 1e-9);
    }

    @Test
    void theLoopTableRanksAllLoopsByCostWithTierMixAndBudgetUsed() {
        browser.signIn(GatewayHarness.FINANCE_KEY);
        browser.open("#/loops");
        browser.waitForPage("loops");
        browser.screenshot("loops");

        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) browser.js("return [...document.querySelectorAll('#loop-table tbody tr')]"
                + ".map(tr => [...tr.cells].map(td => td.textContent))");
        List<String> ranked = new ArrayList<>();
        financeJson("/reports/spend?group_by=loop&from=" + value(By.name("from")) + "&to=" + value(By.name("to")))
                .path("rows").forEach(row -> ranked.add(row.path("loop").asText()));
        assertEquals(SMALL_LOOPS + 3, ranked.size());
        assertEquals(ranked, rows.stream().map(row -> row.get(1)).toList(), "the table's order is the report's: by cost");
        assertEquals(List.of("nightly-build", "research-agent", "support-triage"), ranked.subList(0, 3));
        List<String> nightly = rows.get(0);
        JsonNode budget = financeJson("/reports/budgets?loop=nightly-build").path("data").get(0);
        assertEquals(String.format(Locale.ROOT, "%.1f%%", budget.path("budget_used").asDouble() * 100), nightly.get(7));
        assertEquals("active", nightly.get(2));
        String mix = browser.driver().findElement(By.cssSelector("#loop-table tbody tr .mix")).getDomAttribute("aria-label");
        assertTrue(mix.startsWith("frontier ") && mix.contains("mid "), mix);
        System.out.println("console with " + ranked.size() + " loops: " + browser.js(
                "const paint = performance.getEntriesByName('first-contentful-paint')[0];"
                + " const ready = performance.getEntriesByName('console:loops:ready')[0];"
                + " return 'first contentful paint ' + Math.round(paint.startTime) + ' ms, ranking drawn '"
                + " + Math.round(ready.startTime) + ' ms after navigation'"));
    }

    @Test
    void everyDownloadIsTheReportApisCsvByteForByte() throws IOException {
        browser.signIn(GatewayHarness.FINANCE_KEY);
        for (String route : List.of("#/spend", "#/loops", "#/loop/nightly-build")) {
            browser.open(route);
            browser.waitForPage(route.split("/")[1]);
            List<WebElement> buttons = browser.driver().findElements(By.cssSelector("button.csv"));
            assertFalse(buttons.isEmpty(), route);
            for (WebElement button : buttons) {
                String path = button.getDomAttribute("data-csv");
                GatewayResponse api = gateway.request(HttpMethod.GET, path).key(GatewayHarness.FINANCE_KEY).send();
                assertEquals(200, api.status(), api::toString);
                Path saved = download(button);
                assertEquals(api.header("content-disposition"), "attachment; filename=\"" + saved.getFileName() + "\"");
                assertArrayEquals(api.body().getBytes(StandardCharsets.UTF_8), Files.readAllBytes(saved), path);
            }
        }
    }

    @Test
    void aLoopsPageShowsItsDailySeriesTierMixTopRulesAndItsPauseAndResume() {
        browser.signIn(GatewayHarness.FINANCE_KEY);
        browser.open("#/loop/nightly-build");
        browser.waitForPage("loop");
        browser.waitForText(By.id("loop-events"), "bill is fine");
        browser.screenshot("loop");

        Map<String, double[]> daily = datasets(chart("loop-chart"));
        assertEquals(List.of("frontier", "mid"), List.copyOf(daily.keySet()));
        assertEquals(7, Arrays.stream(daily.get("mid")).filter(cost -> cost > 0).count());
        assertEquals(List.of("frontier", "mid"), column("loop-tiers", 0));
        assertEquals(List.of("checkers-frontier", "rest-mid").stream().sorted().toList(),
                column("loop-rules", 0).stream().sorted().toList());
        assertEquals(List.of("resume", "pause"), column("loop-events", 1));
        assertEquals("bill is fine", column("loop-events", 4).get(0));
        assertTrue(browser.driver().findElements(By.id("loop-control")).isEmpty(), "finance gets no controls");
        assertTrue(browser.driver().findElements(By.cssSelector(".pause-form, .resume-form, #budget-form")).isEmpty());
    }

    @Test
    void aLoopKeyCannotSignInAndIsToldWhy() {
        browser.signOut();
        browser.type(By.id("api-key"), GatewayHarness.LOOP_KEY + Keys.ENTER);
        browser.waitForText(By.id("signin-error"), "A loop key cannot sign in");
        browser.screenshot("signin-loop-key-refused");

        assertTrue(browser.driver().findElement(By.id("nav")).getDomProperty("hidden").equals("true"));
        assertEquals(null, browser.js("return sessionStorage.getItem('loopgate.console')"), "nothing is kept");
        browser.type(By.id("api-key"), "lg-a-key-nobody-issued");
        browser.click(By.cssSelector("form.signin button[type=submit]"));
        browser.waitForText(By.id("signin-error"), "does not know that key");
    }

    @Test
    void adminPagesAreNotShownToFinanceAndTheApiRefusesThemAnyway() {
        browser.signIn(GatewayHarness.FINANCE_KEY);
        browser.open("#/rules");
        browser.waitForPage("rules");

        browser.waitForText(By.id("main"), "This page is for admin keys.");
        assertTrue(browser.driver().findElements(By.id("rules-text")).isEmpty());
        assertEquals(403, gateway.request(HttpMethod.GET, "/admin/rules").key(GatewayHarness.FINANCE_KEY).send().status());
    }

    /** Clicks a download button and waits for the finished file (Chromium writes a hidden file, then *.crdownload). */
    private static Path download(WebElement button) throws IOException {
        try (Stream<Path> old = Files.list(browser.downloads())) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        button.click();
        return browser.until("a finished download in " + browser.downloads(), driver -> {
            try (Stream<Path> files = Files.list(browser.downloads())) {
                List<Path> done = files.filter(f -> !f.getFileName().toString().startsWith(".")
                        && !f.getFileName().toString().endsWith(".crdownload")).toList();
                return done.size() == 1 ? done.get(0) : null;
            } catch (IOException e) {
                return null;
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chart(String canvasId) {
        return (Map<String, Object>) browser.js("const c = Chart.getChart(document.getElementById(arguments[0]));"
                + " return {labels: c.data.labels, datasets: c.data.datasets.map(d => ({label: d.label, data: d.data}))}", canvasId);
    }

    @SuppressWarnings("unchecked")
    private static List<String> column(String tableId, int index) {
        return (List<String>) browser.js("return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')]"
                + ".map(tr => tr.cells[arguments[1]].textContent)", tableId, index);
    }

    private static Map<String, double[]> datasets(Map<String, Object> chart) {
        Map<String, double[]> out = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> sets = (List<Map<String, Object>>) chart.get("datasets");
        for (Map<String, Object> set : sets) {
            @SuppressWarnings("unchecked")
            List<Number> data = (List<Number>) set.get("data");
            out.put((String) set.get("label"), data.stream().mapToDouble(Number::doubleValue).toArray());
        }
        return out;
    }

    private static List<String> navLinks() {
        List<String> links = new ArrayList<>();
        browser.driver().findElements(By.cssSelector("#nav a")).forEach(a -> links.add(a.getText()));
        return links;
    }

    private static String value(By by) {
        return browser.waitFor(by).getDomProperty("value");
    }

    static JsonNode financeJson(String path) {
        GatewayResponse response = gateway.request(HttpMethod.GET, path).key(GatewayHarness.FINANCE_KEY).send();
        assertEquals(200, response.status(), response::toString);
        return response.json();
    }

    static GatewayResponse admin(HttpMethod method, String path, String body) {
        return gateway.request(method, path).key(GatewayHarness.ADMIN_KEY).body(body).send();
    }
}
