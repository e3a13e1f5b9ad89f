package dev.loopgate.gateway.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.testkit.TestRedis;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gateway.yaml read again while the gateway runs ({@code POST /admin/config/reload}): a new price
 * applies to the next call on each replica that reloads, a bad file changes nothing and answers
 * every problem, and what only a restart can change is named, not applied.
 */
class ConfigReloadTest {
    private static final String CALL = """
            {"model":"small","max_tokens":32,"messages":[{"role":"user","content":"price me"}]}""";
    private static final String REDIS = "redis: { url: \"redis://127.0.0.1:6379\", namespace: %s }\n";

    @TempDir
    Path dir;

    @Test
    void aNewPriceAppliesToTheNextCallOnEveryReplicaThatReloadsAndABadFileChangesNothing() throws IOException {
        String namespace = TestRedis.freshNamespace();
        String yaml = GatewayHarness.STANDARD + REDIS.formatted(namespace);
        try (GatewayHarness a = GatewayHarness.started(yaml, "primary");
                GatewayHarness b = GatewayHarness.started(yaml, "primary")) {
            Path fileA = write("a.yaml", a.configText());
            Path fileB = write("b.yaml", b.configText());
            a.gateway().reloadsFrom(fileA, a.env());
            b.gateway().reloadsFrom(fileB, b.env());
            BigDecimal before = charged(a, "price-before");
            assertEquals(0, before.compareTo(charged(b, "price-before-b")), "both replicas start at one price");

            Files.writeString(fileA, doubleSmallPrices(a.configText()));
            Files.writeString(fileB, doubleSmallPrices(b.configText()));
            JsonNode report = reload(a).json();
            assertEquals(List.of("models"), strings(report.path("changed")));
            assertEquals(List.of(), strings(report.path("needs_restart")));
            assertEquals(0, before.multiply(BigDecimal.valueOf(2)).compareTo(charged(a, "price-after-a")),
                    "the replica that reloaded charges the new price");
            assertEquals(0, before.compareTo(charged(b, "price-after-b-not-reloaded")),
                    "a replica that did not reload keeps its price");
            assertEquals(200, reload(b).status());
            assertEquals(0, before.multiply(BigDecimal.valueOf(2)).compareTo(charged(b, "price-after-b")));

            Files.writeString(fileA, a.configText().replace("mid: [small, big]", "mid: [small, gpt-x]")
                    .replace("input: 0.1, output: 0.4", "input: -1, output: 0.4"));
            GatewayResponse refused = reload(a);
            assertEquals(400, refused.status(), refused.body());
            JsonNode error = refused.json().path("error");
            assertEquals("config", error.path("param").asText());
            List<String> problems = strings(error.path("problems"));
            assertTrue(problems.stream().anyMatch(p -> p.startsWith("tiers.mid[1]: unknown model 'gpt-x'")), problems.toString());
            assertTrue(problems.size() >= 2, "every problem is answered, not the first: " + problems);
            assertEquals(0, before.multiply(BigDecimal.valueOf(2)).compareTo(charged(a, "price-after-bad-file")),
                    "the running config stays");
        } finally {
            TestRedis.single().deleteNamespace(namespace);
        }
    }

    @Test
    void aCallUnderWayWhenTheConfigIsReloadedFinishesOnTheConfigItStartedWith() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.started(GatewayHarness.STANDARD, "primary")) {
            Path file = write("gateway.yaml", doubleSmallPrices(gateway.configText()));
            gateway.gateway().reloadsFrom(file, gateway.env());
            BigDecimal before = charged(gateway, "in-flight-baseline");
            CompletableFuture<Void> release = new CompletableFuture<>();
            CountDownLatch arrived = new CountDownLatch(1);
            UpstreamAnswer recorded = UpstreamAnswer.recorded();
            gateway.upstream("primary").answer((vertx, request, received) -> {
                arrived.countDown();
                release.thenRun(() -> vertx.runOnContext(v -> recorded.serve(vertx, request, received)));
            });
            CompletableFuture<GatewayResponse> underWay = CompletableFuture.supplyAsync(
                    () -> gateway.post("/v1/chat/completions", CALL).loop("in-flight").send());
            assertTrue(arrived.await(10, TimeUnit.SECONDS), "the call reached the upstream");

            assertEquals(List.of("models"), strings(reload(gateway).json().path("changed")));
            release.complete(null);
            GatewayResponse finished = underWay.get(10, TimeUnit.SECONDS);
            assertEquals(200, finished.status(), finished.body());
            assertEquals(0, before.compareTo(new BigDecimal(finished.header("x-loopgate-cost-usd"))),
                    "charged at the price it started with");

            gateway.upstream("primary").answer(recorded);
            assertEquals(0, before.multiply(BigDecimal.valueOf(2)).compareTo(charged(gateway, "in-flight-next")),
                    "the next call at the new one");
        }
    }

    @Test
    void settingsOnlyARestartChangesAreNamedAndKept() throws IOException {
        try (GatewayHarness gateway = GatewayHarness.started(GatewayHarness.STANDARD, "primary")) {
            Path file = write("gateway.yaml", gateway.configText().replace("max_body_bytes: 1024", "max_body_bytes: 4096")
                    .replace("input: 0.4, output: 1.6", "input: 0.8, output: 3.2"));
            gateway.gateway().reloadsFrom(file, gateway.env());
            JsonNode report = reload(gateway).json();
            assertEquals(List.of("server"), strings(report.path("needs_restart")));
            assertEquals(List.of("models"), strings(report.path("changed")));
            String big = "{\"model\":\"small\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2000) + "\"}]}";
            assertEquals(413, gateway.post("/v1/chat/completions", big).send().status(), "the body limit stays until a restart");
        }
    }

    @Test
    void aGatewayNotStartedFromAFileSaysSo() {
        try (GatewayHarness gateway = GatewayHarness.started(GatewayHarness.STANDARD, "primary")) {
            GatewayResponse answer = reload(gateway);
            assertEquals(400, answer.status());
            assertTrue(answer.json().path("error").path("message").asText().contains("not started from a config file"));
        }
    }

    private static GatewayResponse reload(GatewayHarness gateway) {
        return gateway.request(HttpMethod.POST, "/admin/config/reload").key(GatewayHarness.ADMIN_KEY).send();
    }

    /** What one call cost its loop. */
    private static BigDecimal charged(GatewayHarness gateway, String loop) {
        GatewayResponse answer = gateway.post("/v1/chat/completions", CALL).loop(loop).send();
        assertEquals(200, answer.status(), answer.body());
        return gateway.spentUsd(loop);
    }

    private static String doubleSmallPrices(String yaml) {
        String small = "input: 0.4, output: 1.6, cached_input: 0.1";
        assertTrue(yaml.contains(small));
        return yaml.replace(small, "input: 0.8, output: 3.2, cached_input: 0.2");
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
