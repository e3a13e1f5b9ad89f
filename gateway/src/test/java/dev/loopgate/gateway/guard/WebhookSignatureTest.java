package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signed webhook delivery, checked by the verification snippet of docs/budgets.md itself (run
 * with python3): the real delivery verifies; the same header over a changed body, or checked
 * with another secret, does not.
 */
class WebhookSignatureTest {
    private static final String SECRET = "whsec-test-0123456789abcdef";

    private record Delivery(byte[] body, String signature) {
    }

    private static Vertx vertx;
    private static HttpServer receiver;
    private static final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void startReceiver() throws Exception {
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            deliveries.add(new Delivery(body.getBytes(), request.getHeader("Loopgate-Signature")));
            request.response().end();
        })).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopReceiver() {
        vertx.close();
    }

    @BeforeEach
    void noDeliveriesYet() {
        deliveries.clear();
    }

    @Test
    void aDeliveryVerifiesWithTheDocumentedSnippetAndATamperedOneDoesNot() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.started(GatewayHarness.STANDARD + """
                breakers:
                  notify: { webhook: "http://127.0.0.1:%d/hook", secret: "%s" }
                """.formatted(receiver.actualPort(), SECRET), "primary")) {
            assertEquals(200, gateway.request(HttpMethod.POST, "/admin/loops/signed-loop/pause")
                    .key(GatewayHarness.ADMIN_KEY).body("{\"reason\":\"checking signatures\"}").send().status());
            Delivery delivery = Poll.forValue(Poll.WAIT, () -> deliveries.stream().findFirst(), "the webhook delivery");
            assertTrue(new String(delivery.body(), StandardCharsets.UTF_8).contains("\"event\":\"loop_paused\""));
            assertTrue(delivery.signature().matches("t=\\d+,v1=[0-9a-f]{64}"), delivery.signature());

            assertEquals("valid", verify(delivery.body(), delivery.signature(), SECRET));
            byte[] tampered = new String(delivery.body(), StandardCharsets.UTF_8)
                    .replace("signed-loop", "other-loop").getBytes(StandardCharsets.UTF_8);
            assertEquals("invalid", verify(tampered, delivery.signature(), SECRET));
            assertEquals("invalid", verify(delivery.body(), delivery.signature(), "another-secret-0123456789"));
        }
    }

    @Test
    void eachFractionOfTheBudgetIsWarnedOfOnceEvenUnderConcurrentCallsAndSigned() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.started(BreakersTest.METERED + """
                budgets:
                  default: { usd: 0.20 }
                breakers:
                  warn_at: [0.5, 0.25]
                  notify: { webhook: "http://127.0.0.1:%d/hook", secret: "%s" }
                """.formatted(receiver.actualPort(), SECRET) + GatewayHarness.KEYS, "primary")) {
            gateway.upstream("primary").answer(BreakersTest.exactCost());
            List<CompletableFuture<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) { // $0.01 each: past $0.05 and $0.10
                int n = i;
                calls.add(CompletableFuture.supplyAsync(() -> gateway.post("/v1/chat/completions", """
                        {"model":"auto","max_tokens":100,"messages":[{"role":"user","content":"step %d"}]}"""
                        .formatted(n)).loop("warned-loop").send().status()));
            }
            for (CompletableFuture<Integer> call : calls) {
                assertEquals(200, call.get(30, TimeUnit.SECONDS));
            }
            assertTrue(Poll.until(Poll.WAIT, () -> warnings(deliveries).size() >= 2), "both warnings arrive");
            List<Delivery> warnings = warnings(deliveries);
            assertEquals(List.of("0.25", "0.5"), warnings.stream().map(d -> fraction(d)).sorted().toList(),
                    "one warning per fraction, not one per replica or per call past it");
            for (Delivery warning : warnings) {
                assertEquals("valid", verify(warning.body(), warning.signature(), SECRET));
            }
        }
    }

    private static List<Delivery> warnings(List<Delivery> deliveries) {
        return deliveries.stream().filter(d -> new String(d.body(), StandardCharsets.UTF_8).contains("\"event\":\"warning\""))
                .toList();
    }

    private static String fraction(Delivery delivery) {
        String body = new String(delivery.body(), StandardCharsets.UTF_8);
        int at = body.indexOf("\"fraction\":") + "\"fraction\":".length();
        return body.substring(at, body.indexOf(',', at));
    }

    /** The snippet from docs/budgets.md, run by python3 on this body, header and secret. */
    private String verify(byte[] body, String header, String secret) throws IOException, InterruptedException {
        String docs = Files.readString(Path.of("..", "docs", "budgets.md"));
        int heading = docs.indexOf("#### Verifying a delivery");
        int start = docs.indexOf("```python\n", heading) + "```python\n".length();
        String snippet = docs.substring(start, docs.indexOf("```", start));
        Path script = dir.resolve("verify.py");
        Files.writeString(script, snippet + """

                import sys
                body = open(sys.argv[1], "rb").read()
                print("valid" if verify(body, sys.argv[2], sys.argv[3]) else "invalid")
                """);
        Path bodyFile = Files.write(dir.resolve("body-" + System.nanoTime()), body);
        Process python = new ProcessBuilder("python3", script.toString(), bodyFile.toString(), header, secret)
                .redirectErrorStream(true).start();
        String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(python.waitFor(30, TimeUnit.SECONDS), "python3 ran");
        return out;
    }
}
