package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.FakeClock;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.PrometheusText;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A target's health breaker through the gateway, on a fake clock: it opens once enough
 * calls in the window failed, the target is then skipped without being asked, after the
 * cool-down exactly one probe goes through, and the probe's outcome closes or re-opens
 * it; {@code GET /admin/providers} shows each state to admins only. Each test uses its
 * own model, so its breaker starts closed.
 */
class HealthBreakerTest {
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-01-05T10:00:00Z"));
    static final Duration COOL_DOWN = Duration.ofSeconds(15);
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              a: { type: openai, base_url: "${A_URL}", api_key: "${A_API_KEY}" }
              b: { type: openai, base_url: "${B_URL}", api_key: "${B_API_KEY}" }
              c: { type: openai, base_url: "${C_URL}", api_key: "${C_API_KEY}" }
            models:
              opens:    { provider: a, name: model-a, input: 1.0, output: 2.0 }
              probed:   { provider: a, name: model-a, input: 1.0, output: 2.0 }
              reopens:  { provider: a, name: model-a, input: 1.0, output: 2.0 }
              oldest:   { provider: a, name: model-a, input: 1.0, output: 2.0 }
              newest:   { provider: c, name: model-c, input: 1.0, output: 2.0 }
              patient:  { provider: a, name: model-a, input: 1.0, output: 2.0 }
              second:   { provider: b, name: model-b, input: 3.0, output: 4.0 }
            tiers:
              mid: [opens, second]
              probing: [probed, second]
              reopening: [reopens, second]
              only-oldest: [oldest]
              only-newest: [newest]
              all-open: [newest, oldest]
              callers: [patient, second]
            default_tier: mid
            retry: { max_attempts: 1 }
            health: { window: 30s, min_calls: 4, error_rate: 0.5, cool_down: 15s }
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "a", "b", "c").withClock(CLOCK);
    static TestUpstream a;
    static TestUpstream b;
    static TestUpstream c;

    @BeforeAll
    static void findUpstreams() {
        a = gateway.upstream("a");
        b = gateway.upstream("b");
        c = gateway.upstream("c");
    }

    @Test
    void breakerOpensAtTheErrorRateOnceMinCallsAreReachedAndTheTargetIsThenSkipped() {
        a.answer(UpstreamAnswer.json(500, Fixtures.ERROR_503));
        for (int i = 0; i < 3; i++) {
            assertServedBy("second", call("mid").send());
        }
        assertEquals("closed", target("opens").path("state").asText(), "3 calls are below min_calls");

        assertServedBy("second", call("mid").send());

        JsonNode opened = target("opens");
        assertEquals("open", opened.path("state").asText(), opened::toString);
        assertEquals(4, opened.path("calls").asLong());
        assertEquals(1.0, opened.path("error_rate").asDouble());
        assertEquals(CLOCK.instant().toString(), opened.path("opened_at").asText());
        assertEquals(CLOCK.instant().plus(COOL_DOWN).toString(), opened.path("next_probe_at").asText());
        PrometheusText metrics = PrometheusText.parse(gateway.request(HttpMethod.GET, "/metrics").noKey().send().body());
        assertEquals(1, metrics.value("loopgate_provider_breaker_state", "provider", "a", "model", "opens", "state", "open"));
        assertEquals(0, metrics.value("loopgate_provider_breaker_state", "provider", "a", "model", "opens", "state", "closed"));
        assertEquals(1.0, metrics.value("loopgate_provider_error_rate", "provider", "a", "model", "opens"));

        a.answer(UpstreamAnswer.recorded());
        assertServedBy("second", call("mid").send());
        assertEquals(4, a.received().size(), "an open target must not be asked");
    }

    @Test
    void afterTheCoolDownExactlyOneProbeGoesThroughAndItsSuccessClosesTheBreaker() {
        open("probing");
        CLOCK.advance(COOL_DOWN);
        int before = a.received().size();
        CompletableFuture<UpstreamAnswer> probeAnswer = new CompletableFuture<>();
        a.answer(UpstreamAnswer.gated(probeAnswer));

        StreamingCall probe = call("probing").openWithoutWaiting();
        a.awaitRequests(before + 1);
        assertEquals("half_open", target("probed").path("state").asText());
        assertServedBy("second", call("probing").send());
        assertServedBy("second", call("probing").send());
        assertEquals(before + 1, a.received().size(), "while the probe is under way no other call may reach the target");

        probeAnswer.complete(UpstreamAnswer.recorded());
        assertEquals(200, probe.status());
        assertEquals("probed", probe.header("x-loopgate-model"));
        probe.awaitEnd();
        JsonNode closed = target("probed");
        assertEquals("closed", closed.path("state").asText(), closed::toString);
        assertTrue(closed.path("opened_at").isNull());

        assertServedBy("probed", call("probing").send());
    }

    @Test
    void aFailedProbeOpensTheBreakerAgainFromNow() {
        open("reopening");
        CLOCK.advance(COOL_DOWN);
        int before = a.received().size();

        assertServedBy("second", call("reopening").send());

        assertEquals(before + 1, a.received().size(), "the probe went to the target");
        JsonNode reopened = target("reopens");
        assertEquals("open", reopened.path("state").asText(), reopened::toString);
        assertEquals(CLOCK.instant().toString(), reopened.path("opened_at").asText());
        assertServedBy("second", call("reopening").send());
        assertEquals(before + 1, a.received().size(), "re-opened: skipped again");
    }

    @Test
    void whenEveryTargetIsOpenTheOneOpenedLongestAgoIsTried() {
        open("only-oldest");
        CLOCK.advance(Duration.ofSeconds(1));
        c.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));
        for (int i = 0; i < 4; i++) {
            call("only-newest").send();
        }
        assertEquals("open", target("newest").path("state").asText());
        a.answer(UpstreamAnswer.recorded());
        int asked = a.received().size();
        int askedC = c.received().size();

        GatewayResponse response = call("all-open").send();

        assertServedBy("oldest", response);
        assertEquals(asked + 1, a.received().size());
        assertEquals(askedC, c.received().size(), "the more recently opened target is not asked");
        assertEquals("closed", target("oldest").path("state").asText(), "its success closes the breaker");
    }

    @Test
    void theCallersOwnErrorsNeverOpenTheBreaker() {
        a.answer(UpstreamAnswer.json(400, Fixtures.ERROR_400));
        for (int i = 0; i < 6; i++) {
            assertEquals(400, call("callers").send().status());
        }
        a.answer(UpstreamAnswer.json(400, Fixtures.ERROR_CONTENT_FILTER));
        for (int i = 0; i < 6; i++) {
            assertEquals(400, call("callers").send().status());
        }

        JsonNode patient = target("patient");
        assertEquals("closed", patient.path("state").asText(), patient::toString);
        assertEquals(0, patient.path("calls").asLong(), "refusals of the request are not counted at all");
        assertEquals(0, b.received().size());
    }

    @Test
    void providersAreListedWithTheirHealthSettingsAndTargets() {
        JsonNode list = providers(GatewayHarness.ADMIN_KEY).json();

        JsonNode first = list.path("data").path(0);
        assertEquals("a", first.path("provider").asText(), list::toString);
        assertEquals("openai", first.path("type").asText());
        assertEquals("PT30S", first.path("health").path("window").asText());
        assertEquals(4, first.path("health").path("min_calls").asInt());
        assertEquals("model-a", first.path("targets").path(0).path("upstream_model").asText());
        assertTrue(list.toString().indexOf("upstream-secret") < 0, "no provider key may be shown");
    }

    @Test
    void adminProvidersRefusesKeysThatAreNotAdmin() {
        GatewayResponse loop = providers(GatewayHarness.LOOP_KEY);
        GatewayResponse finance = providers(GatewayHarness.FINANCE_KEY);
        GatewayResponse none = gateway.request(HttpMethod.GET, "/admin/providers").noKey().send();

        assertEquals(403, loop.status(), loop::toString);
        assertEquals("forbidden", loop.json().path("error").path("code").asText());
        assertEquals(403, finance.status(), finance::toString);
        assertEquals(401, none.status(), none::toString);
        assertEquals("invalid_api_key", none.json().path("error").path("code").asText());
    }

    /** Four failed calls through the tier open its first target (min_calls 4, every one failed). */
    private static void open(String tier) {
        a.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));
        for (int i = 0; i < 4; i++) {
            call(tier).send();
        }
        String model = tier.equals("only-oldest") ? "oldest" : tier.equals("probing") ? "probed" : "reopens";
        assertEquals("open", target(model).path("state").asText());
    }

    private static JsonNode target(String model) {
        GatewayResponse response = providers(GatewayHarness.ADMIN_KEY);
        assertEquals(200, response.status(), response::toString);
        for (JsonNode provider : response.json().path("data")) {
            for (JsonNode target : provider.path("targets")) {
                if (target.path("model").asText().equals(model)) {
                    return target;
                }
            }
        }
        throw new AssertionError("no target " + model + " in " + response.body());
    }

    private static GatewayResponse providers(String key) {
        return gateway.request(HttpMethod.GET, "/admin/providers").key(key).send();
    }

    private static void assertServedBy(String model, GatewayResponse response) {
        assertEquals(200, response.status(), response::toString);
        assertEquals(model, response.header("x-loopgate-model"), response::toString);
    }

    private static GatewayRequest call(String tier) {
        return gateway.post("/v1/chat/completions",
                "{\"model\":\"" + tier + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Check the work.\"}]}");
    }
}
