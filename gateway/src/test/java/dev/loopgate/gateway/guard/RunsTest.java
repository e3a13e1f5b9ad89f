package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.FakeClock;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Per-run caps through the real gateway ({@code budgets.runs}): a run past a cap is paused on its
 * own (403 {@code run_paused}) while the loop's other runs go on; an admin resumes the run or the
 * whole loop, each audited; runs are named by {@code X-Loop-Run}, Claude Code's session or a
 * Responses conversation; warnings go out once per fraction of each run cap. Each call costs
 * exactly $0.01; time is the test's clock.
 */
class RunsTest {
    private static final AtomicInteger DISTINCT = new AtomicInteger();
    private static final ConcurrentLinkedQueue<JsonNode> NOTIFIED = new ConcurrentLinkedQueue<>();
    private static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-12-03T09:00:00Z"));

    private static Vertx vertx;
    private static HttpServer webhook;
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        webhook = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            NOTIFIED.add(Fixtures.parse(body.toString()));
            request.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        gateway = GatewayHarness.started(BreakersTest.METERED + """
                budgets:
                  default: { usd: 10 }
                  runs: { steps: 4, wall_clock: 1h, idle: 30m }
                  loops:
                    "dear-*": { runs: { usd: 0.02 } }
                    "paced-*": { usd: 10, steps: 4, wall_clock: 2h }
                breakers:
                  warn_at: [0.5]
                  notify: { webhook: "http://127.0.0.1:%d/hook" }
                """.formatted(webhook.actualPort()) + GatewayHarness.KEYS, CLOCK, "primary");
        gateway.upstream("primary").answer(BreakersTest.exactCost());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aRunPastItsStepCapIsPausedWhileTheLoopsOtherRunsGoOn() {
        String loop = "steps-loop";
        for (int i = 0; i < 4; i++) {
            assertEquals(200, call(loop, "nightly-1").status());
        }
        GatewayResponse refused = call(loop, "nightly-1");
        assertEquals(403, refused.status(), refused::toString);
        assertEquals("run_paused", refused.json().path("error").path("code").asText());
        String message = refused.json().path("error").path("message").asText();
        assertTrue(message.contains("Run 'nightly-1' of loop 'steps-loop' is paused by the step_cap breaker"), message);
        assertTrue(message.contains("/admin/loops/steps-loop/runs/nightly-1/resume"), message);

        assertEquals(200, call(loop, "nightly-2").status(), "another run of the loop goes on");
        assertEquals(200, call(loop, null).status(), "and so do the loop's calls outside any run");

        JsonNode runs = admin(HttpMethod.GET, "/admin/loops/" + loop + "/runs", null).json().path("data");
        assertEquals(2, runs.size(), runs::toString);
        JsonNode paused = runs.get(0);
        assertEquals("nightly-1", paused.path("run").asText(), "paused runs come first");
        assertEquals("paused", paused.path("state").asText());
        assertEquals("step_cap", paused.path("paused_by").path("breaker").asText());
        assertEquals(4, paused.path("steps").asInt());
        assertEquals("0.04", paused.path("spent_usd").asText());
        assertEquals(4, paused.path("caps").path("steps").asInt());
        assertEquals("active", runs.get(1).path("state").asText());
        assertTrue(notified("run_paused", loop, event -> event.path("run").asText().equals("nightly-1")
                && event.path("breaker").asText().equals("step_cap")), "the webhook hears of the trip");
    }

    @Test
    void resumingTheRunLetsItGoOnAndIsAudited() {
        String loop = "resume-run-loop";
        String run = "ticket-42";
        for (int i = 0; i < 4; i++) {
            call(loop, run);
        }
        assertEquals(403, call(loop, run).status());
        assertEquals(400, admin(HttpMethod.POST, runPath(loop, run) + "/resume", "{}").status(), "a reason is required");

        GatewayResponse resumed = admin(HttpMethod.POST, runPath(loop, run) + "/resume", "{\"reason\":\"more steps are fine\"}");
        assertEquals(200, resumed.status(), resumed::toString);
        assertEquals("active", resumed.json().path("state").asText());
        assertEquals(0, resumed.json().path("current").path("steps").asInt(), "its caps count afresh");
        assertEquals(200, call(loop, run).status());
        assertTrue(Poll.until(Poll.WAIT, () -> events(loop).stream().anyMatch(event -> event.path("action").asText()
                .equals("run.resume") && event.path("actor").asText().equals("ops")
                && event.path("detail").path("reason").asText().equals("more steps are fine")
                && event.path("detail").path("run").asText().equals(run))), "the resume is audited with who and why");
        assertTrue(events(loop).stream().anyMatch(event -> event.path("action").asText().equals("run.trip")),
                "and so is the trip");
    }

    @Test
    void resumingTheLoopResumesItsPausedRuns() {
        String loop = "resume-loop";
        for (int i = 0; i < 4; i++) {
            call(loop, "a");
        }
        assertEquals(403, call(loop, "a").status());
        GatewayResponse resumed = admin(HttpMethod.POST, "/admin/loops/" + loop + "/resume", "{\"reason\":\"go on\"}");
        assertEquals(200, resumed.status(), resumed::toString);
        assertEquals(200, call(loop, "a").status());
        assertTrue(Poll.until(Poll.WAIT, () -> events(loop).stream().anyMatch(event -> event.path("action").asText()
                .equals("run.resume") && event.path("detail").path("run").asText().equals("a"))));
    }

    @Test
    void aRunsUsdCapPausesItOnceItsSpendReachesIt() {
        String loop = "dear-loop";
        assertEquals(200, call(loop, "r").status());
        assertEquals(200, call(loop, "r").status());
        GatewayResponse refused = call(loop, "r");
        assertEquals("run_paused", refused.json().path("error").path("code").asText(), refused::toString);
        assertTrue(refused.json().path("error").path("message").asText().contains("hard_budget"), refused::toString);
        assertTrue(notified("warning", loop, event -> event.path("run").asText().equals("r")
                && event.path("cap").asText().equals("usd") && event.path("used_usd").asText().equals("0.01")
                && event.path("limit_usd").asText().equals("0.02")), "half the run's USD cap is warned of");
    }

    @Test
    void theWallClockOfARunCountsFromItsStart() {
        String loop = "clock-loop";
        assertEquals(200, call(loop, "early").status());
        CLOCK.advance(Duration.ofMinutes(20));
        assertEquals(200, call(loop, "early").status());
        CLOCK.advance(Duration.ofMinutes(20));
        assertEquals(200, call(loop, "early").status());
        assertEquals(200, call(loop, "late").status());
        CLOCK.advance(Duration.ofMinutes(20));
        GatewayResponse refused = call(loop, "early");
        assertEquals(403, refused.status(), refused::toString);
        assertTrue(refused.json().path("error").path("message").asText().contains("wall_clock"), refused::toString);
        assertEquals(200, call(loop, "late").status(), "a run started later has its own clock");
        assertTrue(notified("warning", loop, event -> event.path("run").asText().equals("early")
                && event.path("cap").asText().equals("wall_clock") && event.path("limit_ms").asLong() == 3_600_000),
                "half the run's wall clock is warned of");
    }

    @Test
    void aRunIdleForLongerThanAllowedStartsAfresh() {
        String loop = "idle-loop";
        for (int i = 0; i < 4; i++) {
            call(loop, "job");
        }
        CLOCK.advance(Duration.ofMinutes(31));
        assertEquals(200, call(loop, "job").status(), "idle for 31 minutes: the run ended, this call starts it afresh");
        JsonNode run = admin(HttpMethod.GET, runPath(loop, "job"), null).json();
        assertEquals(1, run.path("restarts").asInt(), run::toString);
        assertEquals(5, run.path("steps").asInt(), "its totals are kept");
        assertEquals(1, run.path("current").path("steps").asInt());
    }

    @Test
    void stepWarningsGoOutOncePerFractionOfEachRun() {
        String loop = "warn-loop";
        for (int i = 0; i < 4; i++) {
            call(loop, "w1");
        }
        call(loop, "w2");
        call(loop, "w2");
        assertTrue(notified("warning", loop, event -> event.path("run").asText().equals("w2")
                && event.path("cap").asText().equals("steps") && event.path("used").asInt() == 2));
        assertTrue(Poll.until(Poll.WAIT, () -> stepWarnings(loop, "w1") == 1));
        assertEquals(1, stepWarnings(loop, "w1"), "once, at the second of four steps");
        JsonNode warned = events(loop).stream().filter(event -> event.path("action").asText().equals("loop.warning"))
                .findFirst().orElseThrow();
        assertEquals(0.5, warned.path("detail").path("fraction").asDouble(), "the warning is in the loop's history");
    }

    @Test
    void aLoopsOwnStepsAndWallClockAreWarnedOfOnceEach() {
        String loop = "paced-loop";
        call(loop, null);
        CLOCK.advance(Duration.ofMinutes(61));
        call(loop, null);
        call(loop, null);
        assertTrue(notified("warning", loop, event -> event.path("run").isMissingNode()
                && event.path("cap").asText().equals("steps") && event.path("used").asInt() == 2
                && event.path("limit").asInt() == 4));
        assertTrue(notified("warning", loop, event -> event.path("cap").asText().equals("wall_clock")
                && event.path("used_ms").asLong() == Duration.ofMinutes(61).toMillis()));
        assertTrue(Poll.until(Poll.WAIT, () -> loopWarnings(loop) == 2));
        assertEquals(2, loopWarnings(loop), "one for the steps and one for the wall clock, the third call crosses none");
    }

    @Test
    void claudeCodesSessionAndAResponsesConversationNameTheRun() {
        String loop = "clients-loop";
        String session = "9d5c8a52-1e0f-4f59-8d58-2b1c8a0d7e11";
        String messages = "{\"model\":\"auto\",\"max_tokens\":100,\"metadata\":{\"user_id\":\"user_3f2a_account_"
                + "6c1e9f1b-0000-4000-8000-000000000000_session_" + session + "\"},\"messages\":[{\"role\":\"user\","
                + "\"content\":\"hi " + DISTINCT.incrementAndGet() + "\"}]}";
        assertEquals(200, gateway.post("/v1/messages", messages).loop(loop).send().status());
        String responses = "{\"model\":\"auto\",\"max_output_tokens\":100,\"conversation\":\"conv_7\",\"input\":\"hi\"}";
        assertEquals(200, gateway.post("/v1/responses", responses).loop(loop).send().status());

        List<String> runs = StreamSupport.stream(admin(HttpMethod.GET, "/admin/loops/" + loop + "/runs", null).json()
                .path("data").spliterator(), false).map(run -> run.path("run").asText()).sorted().toList();
        assertEquals(List.of(session, "conv_7"), runs);
    }

    @Test
    void theLoopsReportShowsSpendByRun() {
        String loop = "report-loop";
        call(loop, "big");
        call(loop, "big");
        call(loop, "small");
        assertTrue(Poll.until(Poll.WAIT, () -> report(loop).path("totals").path("calls").asInt() == 3));
        JsonNode runs = report(loop).path("runs");
        assertEquals("big", runs.get(0).path("run").asText(), runs::toString);
        assertEquals("0.02", runs.get(0).path("cost_usd").asText(), runs::toString);
        assertEquals("small", runs.get(1).path("run").asText());
    }

    private static long stepWarnings(String loop, String run) {
        return events(loop).stream().filter(event -> event.path("action").asText().equals("loop.warning")
                && event.path("detail").path("run").asText().equals(run)
                && event.path("detail").path("cap").asText().equals("steps")).count();
    }

    private static long loopWarnings(String loop) {
        return events(loop).stream().filter(event -> event.path("action").asText().equals("loop.warning")).count();
    }

    private static boolean notified(String kind, String loop, Predicate<JsonNode> matching) {
        return Poll.until(Poll.WAIT, () -> NOTIFIED.stream().anyMatch(event -> event.path("event").asText().equals(kind)
                && event.path("loop_id").asText().equals(loop) && matching.test(event)));
    }

    private static JsonNode report(String loop) {
        return gateway.request(HttpMethod.GET, "/reports/loops/" + loop + "?from=2026-12-01T00:00:00Z&to=2027-01-01T00:00:00Z")
                .key(GatewayHarness.FINANCE_KEY).send().json();
    }

    private static List<JsonNode> events(String loop) {
        return StreamSupport.stream(report(loop).path("events").spliterator(), false).toList();
    }

    private static String runPath(String loop, String run) {
        return "/admin/loops/" + loop + "/runs/" + run;
    }

    private static GatewayResponse call(String loop, String run) {
        var request = gateway.post("/v1/chat/completions", "{\"model\":\"auto\",\"max_tokens\":100,\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"step " + DISTINCT.incrementAndGet() + "\"}]}").loop(loop);
        return (run == null ? request : request.header("X-Loop-Run", run)).send();
    }

    private static GatewayResponse admin(HttpMethod method, String path, String body) {
        return gateway.request(method, path).key(GatewayHarness.ADMIN_KEY).body(body).send();
    }
}
