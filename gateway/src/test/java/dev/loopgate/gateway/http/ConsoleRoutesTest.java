package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /console}: static pages from the jar with a strict CSP, Chart.js from its WebJar, and who is signed in. */
class ConsoleRoutesTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");

    @Test
    void theConsoleIsServedFromTheJarWithAStrictContentSecurityPolicy() {
        GatewayResponse page = get("/console/");

        assertEquals(200, page.status(), page::toString);
        assertTrue(page.header("content-type").startsWith("text/html"), page::toString);
        assertTrue(page.body().contains("<script type=\"module\" src=\"/console/js/app.js\">"), page.body());
        assertEquals(ConsoleRoutes.CSP, page.header("content-security-policy"));
        assertTrue(page.header("content-security-policy").contains("script-src 'self';"));
        assertEquals("nosniff", page.header("x-content-type-options"));
        assertEquals("DENY", page.header("x-frame-options"));
        assertEquals("no-cache", page.header("cache-control"), "the console's own files are revalidated");
    }

    @Test
    void noPageOfTheConsoleRunsInlineScript() {
        String page = get("/console/").body();

        assertEquals(3, page.split("<script").length, "two scripts, both by src");
        assertEquals(2, page.split("<script[^>]* src=\"/console/").length - 1, "both by src, from this origin");
        assertFalse(page.matches("(?s).*\\son[a-z]+\\s*=.*"), "no inline event handlers");
        assertFalse(page.contains("style="), "no inline styles");
    }

    @Test
    void scriptsAndStylesAreServedWithTheirTypes() {
        GatewayResponse js = get("/console/js/app.js");
        GatewayResponse css = get("/console/console.css");

        assertEquals(200, js.status());
        assertTrue(js.header("content-type").contains("javascript"), js::toString);
        assertEquals("no-cache", js.header("cache-control"));
        assertTrue(js.header("last-modified") != null, "revalidation has something to compare");
        assertEquals(200, css.status());
        assertTrue(css.header("content-type").startsWith("text/css"), css::toString);
    }

    @Test
    void chartJsComesFromItsWebJarAtTheVersionTheConsoleLoadsAndIsCachedForever() throws IOException {
        String version = webJarVersion();
        String page = get("/console/").body();
        String path = "/console/vendor/chart.js/" + version + "/dist/chart.umd.min.js";

        assertTrue(page.contains("src=\"" + path + "\""), "index.html loads Chart.js " + version
                + " (the WebJar on the classpath); change both together");
        GatewayResponse chart = get(path);
        assertEquals(200, chart.status(), chart::toString);
        assertTrue(chart.body().length() > 100_000);
        assertTrue(chart.header("cache-control").contains("immutable"), chart::toString);
        assertTrue(chart.header("cache-control").contains("max-age=" + ConsoleRoutes.VENDOR_MAX_AGE_SECONDS));
    }

    @Test
    void onlyChartJsIsServedFromTheClasspathNothingElse() {
        assertEquals(404, get("/console/vendor/chart.js/../../../dev/loopgate/gateway/http/ConsoleRoutes.class").status());
        assertEquals(404, get("/console/../simplelogger.properties").status());
        assertEquals(404, get("/console/vendor/").status());
        assertEquals(404, get("/console/nothing-here.js").status());
    }

    @Test
    void consoleWithoutASlashRedirectsToIt() {
        GatewayResponse redirect = get("/console");

        assertEquals(302, redirect.status());
        assertEquals("/console/", redirect.header("location"));
    }

    @Test
    void meNamesAFinanceOrAdminKeyAndItsRole() {
        GatewayResponse finance = me(GatewayHarness.FINANCE_KEY);
        GatewayResponse admin = me(GatewayHarness.ADMIN_KEY);

        assertEquals(200, finance.status(), finance::toString);
        assertEquals("finance", finance.json().path("name").asText());
        assertEquals("finance", finance.json().path("role").asText());
        assertEquals("ops", admin.json().path("name").asText());
        assertEquals("admin", admin.json().path("role").asText());
    }

    @Test
    void meRefusesALoopKeySayingWhyAndAnUnknownKey() {
        GatewayResponse loop = me(GatewayHarness.LOOP_KEY);
        GatewayResponse unknown = me("lg-nobody-knows-this-key");

        assertEquals(403, loop.status(), loop::toString);
        assertEquals("forbidden", loop.json().path("error").path("code").asText());
        assertTrue(loop.json().path("error").path("message").asText().contains("loop keys cannot sign in to the console"),
                loop::toString);
        assertEquals(401, unknown.status());
        assertEquals(401, gateway.request(HttpMethod.GET, "/console/api/me").noKey().send().status());
    }

    private static GatewayResponse get(String path) {
        return gateway.request(HttpMethod.GET, path).noKey().send();
    }

    private static GatewayResponse me(String key) {
        return gateway.request(HttpMethod.GET, "/console/api/me").key(key).send();
    }

    private static String webJarVersion() throws IOException {
        try (InputStream in = ConsoleRoutesTest.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
    }
}
