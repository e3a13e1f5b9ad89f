package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rules replaced 100 times while calls flow: no call fails or waits on a swap, and each
 * is routed by a version that was current while it was in flight.
 */
class LiveRulesSwapTest {
    static final int SWAPS = 100;
    static final int SENDERS = 4;
    static final String CHAT = """
            {"model":"auto","messages":[{"role":"user","content":"Next step?"}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");

    /** One call as a sender saw it: the newest version applied before it left, and the newest put begun after it came back. */
    record Observed(long appliedBefore, long startedAfter, GatewayResponse response) {
    }

    @Test
    void callsNeverFailWhileRulesAreReplacedAHundredTimes() throws Exception {
        long initial = version(gateway.request(HttpMethod.GET, "/admin/rules").key(GatewayHarness.ADMIN_KEY).send());
        AtomicLong applied = new AtomicLong(initial);
        AtomicLong started = new AtomicLong(initial);
        Map<Long, String> ruleOfVersion = new ConcurrentHashMap<>();
        ConcurrentLinkedQueue<Observed> observed = new ConcurrentLinkedQueue<>();
        AtomicBoolean swapping = new AtomicBoolean(true);
        ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int s = 0; s < SENDERS; s++) {
                running.add(senders.submit(() -> {
                    while (swapping.get()) {
                        long before = applied.get();
                        GatewayResponse response = gateway.post("/v1/chat/completions", CHAT).send();
                        observed.add(new Observed(before, started.get(), response));
                    }
                }));
            }
            for (int i = 1; i <= SWAPS; i++) {
                String rule = "swap-" + i;
                started.incrementAndGet();
                GatewayResponse put = gateway.request(HttpMethod.PUT, "/admin/rules").key(GatewayHarness.ADMIN_KEY)
                        .body("- { id: " + rule + ", route: " + (i % 2 == 0 ? "mid" : "light") + " }").send();
                assertEquals(200, put.status(), put::toString);
                ruleOfVersion.put(version(put), rule);
                applied.set(version(put));
            }
        } finally {
            swapping.set(false);
            for (Future<?> sender : running) {
                sender.get(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS);
            }
            senders.shutdownNow();
        }

        assertTrue(observed.size() >= SWAPS, "too few calls overlapped the swaps: " + observed.size());
        for (Observed call : observed) {
            GatewayResponse response = call.response();
            assertEquals(200, response.status(), response::toString);
            long version = Long.parseLong(response.header("x-loopgate-rules-version"));
            assertTrue(version >= call.appliedBefore() && version <= call.startedAfter(),
                    "version " + version + " was not current while the call ran: " + call);
            if (version != initial) {
                assertEquals(ruleOfVersion.get(version), response.header("x-loopgate-rule"), response::toString);
            }
        }
    }

    private static long version(GatewayResponse response) {
        return response.json().path("version").asLong();
    }
}
