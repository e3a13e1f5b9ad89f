package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.testkit.TestRedis;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a governed call does in Redis before it is forwarded, through the real gateway on the real
 * Redis: the reserve reads the loop's facts itself and holds the worst case of the route the
 * rules give for them (no ledger read first), and a call refused by a rate limit or its key's cap,
 * checked at the same time, leaves nothing held and no step taken in its loop.
 */
class AdmissionTest {
    static final String REDIS_URL = "redis://127.0.0.1:6379";
    static final String NAMESPACE = "test-admit-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    static final String CHAT = """
            {"model":"auto","max_tokens":100,"messages":[{"role":"user","content":"Step %d of the plan?"}]}""";

    static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        gateway = GatewayHarness.started("""
                server: { host: 127.0.0.1, port: 0 }
                redis: { url: "%s", namespace: %s }
                providers:
                  primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
                models:
                  big:   { provider: primary, name: big-1,   input: 1.0, output: 100.0 }
                  small: { provider: primary, name: small-1, input: 0.1, output: 1.0 }
                tiers: { frontier: [big], mid: [big], light: [small] }
                rules:
                  - { id: nearly-broke-light, when: { budget_used: ">=0.5" }, route: light }
                  - { id: rest, route: frontier }
                budgets:
                  default: { usd: 0.025 }
                  loops: { "rated-*": { usd: 1, rpm: 2 } }
                  keys: { build-bot: { usd_per_day: 0.005 } }
                """.formatted(REDIS_URL, NAMESPACE) + GatewayHarness.KEYS, "primary");
        gateway.upstream("primary").answer((vertx, request, received) -> request.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("""
                        {"id":"c","object":"chat.completion","created":1,"model":"m",
                         "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                         "usage":{"prompt_tokens":10,"completion_tokens":100,"total_tokens":110}}"""));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        TestRedis.single().deleteNamespace(NAMESPACE);
    }

    @Test
    void aNearlySpentLoopIsReservedAtTheLightTiersWorstCaseWithoutALedgerReadFirst() throws Exception {
        List<String> commands = new CopyOnWriteArrayList<>();
        try (Monitor monitor = new Monitor(commands)) {
            for (int step = 1; step <= 2; step++) {
                GatewayResponse frontier = call(GatewayHarness.LOOP_KEY, "broke-1", step);
                assertEquals(200, frontier.status(), frontier.body());
                assertEquals("frontier", frontier.header("x-loopgate-tier"));
            }
            // $0.02002 of $0.025 spent: a frontier worst case ($0.010015) would not fit, a light one does
            GatewayResponse light = call(GatewayHarness.LOOP_KEY, "broke-1", 3);
            assertEquals(200, light.status(), light.body());
            assertEquals("light", light.header("x-loopgate-tier"));
            assertEquals("nearly-broke-light", light.header("x-loopgate-rule"));
            assertEquals("small", light.header("x-loopgate-model"));
            monitor.sawAtLeast(NAMESPACE + ":v1:loop:{broke-1}:state", 6);
        }
        List<String> ours = commands.stream().filter(line -> line.contains(NAMESPACE + ":v1:loop:")).toList();
        assertTrue(ours.stream().anyMatch(line -> line.contains("\"EVALSHA\"")), "the loop's scripts ran");
        assertTrue(ours.stream().noneMatch(line -> line.contains("\"peek\"")), "no read before the reserve: " + ours);
    }

    @Test
    void aRateLimitedCallLeavesNothingHeldAndNoStepInItsLoop() {
        for (int step = 1; step <= 2; step++) {
            assertEquals(200, call(GatewayHarness.LOOP_KEY, "rated-1", step).status());
        }
        GatewayResponse limited = call(GatewayHarness.LOOP_KEY, "rated-1", 3);
        assertEquals(429, limited.status(), limited.body());
        assertTrue(limited.header("Retry-After") != null);
        JsonNode loop = loop("rated-1");
        assertEquals(2, loop.path("steps").asLong(), loop.toString());
        assertEquals("0", loop.path("reserved_usd").asText(), loop.toString());
    }

    @Test
    void aCallOverItsKeysDailyCapLeavesNothingHeldAndNoStepInItsLoop() {
        GatewayResponse refused = call(GatewayHarness.BUILD_KEY, "build-1", 1);
        assertEquals(402, refused.status(), refused.body());
        assertTrue(refused.body().contains("build-bot"), refused.body());
        JsonNode loop = loop("build-1");
        assertEquals(0, loop.path("steps").asLong(), loop.toString());
        assertEquals("0", loop.path("reserved_usd").asText(), loop.toString());
        assertEquals(402, call(GatewayHarness.BUILD_KEY, "build-1", 2).status(), "the refusal held nothing in the key either");
    }

    private static GatewayResponse call(String key, String loop, int step) {
        return gateway.post("/v1/chat/completions", CHAT.formatted(step))
                .header("Authorization", "Bearer " + key).header("X-Loop-Id", loop).send();
    }

    private static JsonNode loop(String loop) {
        return gateway.request(HttpMethod.GET, "/admin/loops/" + loop)
                .header("Authorization", "Bearer " + GatewayHarness.ADMIN_KEY).send().json();
    }

    /** Redis's MONITOR on a socket of its own: every command Redis runs, as one line each. */
    private static final class Monitor implements AutoCloseable {
        private final Socket socket;
        private final List<String> lines;

        Monitor(List<String> lines) throws IOException {
            this.lines = lines;
            this.socket = new Socket("127.0.0.1", 6379);
            OutputStream out = socket.getOutputStream();
            out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            if (!"+OK".equals(in.readLine())) {
                throw new IOException("MONITOR refused");
            }
            Thread reader = new Thread(() -> {
                try {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException closed) {
                    // the test closed the socket
                }
            }, "redis-monitor");
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits (bounded) until MONITOR has relayed {@code count} commands naming {@code key}: it trails the replies. */
        void sawAtLeast(String key, int count) {
            Poll.until(Poll.WAIT, () -> lines.stream().filter(line -> line.contains(key)).count() >= count);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
