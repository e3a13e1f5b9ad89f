package dev.loopgate.gateway.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ShiftedClock;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Seeds the console's data the way loops make it: chat calls through the real gateway (and its
 * test upstream), so the audit rows, ledger and loops behind every page are the gateway's own.
 * Calls can be sent "on" past days by shifting the gateway's clock.
 */
final class ConsoleTraffic {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
            models:
              big:   { provider: primary, name: gpt-4.1, input: 2.0, output: 8.0 }
              small: { provider: primary, name: gpt-4.1-mini, input: 0.4, output: 1.6 }
              nano:  { provider: primary, name: gpt-4.1-nano, input: 0.02, output: 0.08 }
            tiers: { frontier: [big], mid: [small], light: [nano] }
            rules:
              - { id: checkers-frontier, when: { role: checker }, route: frontier }
              - { id: chores-light, when: { role: tagger }, route: light }
              - { id: rest-mid, route: mid }
            budgets:
              default: { usd: 0.5 }
              loops: { "runaway-*": { usd: 0.005 } }
            """ + GatewayHarness.KEYS;
    static final String CHAT = """
            {"model":"auto","max_tokens":50,"messages":[{"role":"user","content":"Next step?"}]}""";
    private static final int PARALLEL = 4;

    record Call(String loop, String role) {
    }

    private final GatewayHarness gateway;
    private final ShiftedClock clock;
    private final List<Call> batch = new ArrayList<>();
    private long sent;

    ConsoleTraffic(GatewayHarness gateway, ShiftedClock clock) {
        this.gateway = gateway;
        this.clock = clock;
    }

    ConsoleTraffic add(String loop, String role, int count) {
        for (int i = 0; i < count; i++) {
            batch.add(new Call(loop, role));
        }
        return this;
    }

    /** Sends the calls added so far, {@code daysAgo} days before now, a few at a time; each must succeed. */
    void send(int daysAgo) throws Exception {
        clock.shift(Duration.ofDays(-daysAgo));
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            List<Future<GatewayResponse>> answers = new ArrayList<>();
            for (Call call : batch) {
                answers.add(pool.submit(() -> gateway.post("/v1/chat/completions", CHAT).loop(call.loop())
                        .header("X-Loop-Role", call.role()).send()));
            }
            for (Future<GatewayResponse> answer : answers) {
                GatewayResponse response = answer.get();
                assertEquals(200, response.status(), response::toString);
            }
        } finally {
            pool.shutdown();
            clock.reset();
        }
        sent += batch.size();
        batch.clear();
    }

    /** How many calls {@link #send} has sent, all served. */
    long sent() {
        return sent;
    }

    /** Waits until the audit holds every call sent (rows are written off the request path). */
    void awaitAudited() {
        awaitAudited(sent);
    }

    /** Waits until the audit holds {@code calls} call rows, refused ones included. */
    void awaitAudited(long calls) {
        Poll.forValue(Poll.WAIT, () -> {
            JsonNode totals = get("/reports/spend?from=2000-01-01&group_by=").path("totals");
            return totals.path("calls").asLong() == calls ? Optional.of(totals) : Optional.empty();
        }, calls + " calls in the audit");
    }

    JsonNode get(String path) {
        GatewayResponse response = gateway.request(HttpMethod.GET, path).key(GatewayHarness.ADMIN_KEY).send();
        assertEquals(200, response.status(), response::toString);
        return response.json();
    }
}
