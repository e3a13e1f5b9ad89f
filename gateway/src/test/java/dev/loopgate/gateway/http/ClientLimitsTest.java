package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.PrometheusText;
import dev.loopgate.gateway.testing.RawHttp;
import dev.loopgate.gateway.testing.RawHttp.Answer;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a slow, careless or hostile client can hold of the gateway, tried over raw sockets:
 * nothing before it shows a key, a bounded share of the heap after, and only as long as it
 * keeps sending.
 */
class ClientLimitsTest {
    static final String CHAT = "/v1/chat/completions";
    static final String GOOD_CHAT = "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String LIMITED = GatewayHarness.STANDARD.replace(
            "server: { host: 127.0.0.1, port: 0, max_body_bytes: 1024 }",
            "server: { host: 127.0.0.1, port: 0, max_body_bytes: 1024, max_inflight_body_bytes: 2048,"
                    + " header_timeout: 300ms, body_timeout: 300ms, max_connections_per_address: 24 }");

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(LIMITED, "primary");

    static String chatHead(String key, int contentLength, String requestId) {
        return RawHttp.head("POST", CHAT, "Authorization: Bearer " + key, "Content-Type: application/json",
                "X-Loop-Id: limits-loop", "X-Request-Id: " + requestId, "Content-Length: " + contentLength);
    }

    @Test
    void memoryExhaustionBeforeAuthentication_anUnauthenticatedBodyIsRefusedOnItsHeadAndNeverRead() {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            // a large body is announced and only its first bytes are sent: the answer must not wait for the rest
            client.send(chatHead("not-a-key", 1000, "unauth-1")).send("{\"model\":\"auto\"");
            Answer answer = client.read();
            assertEquals(401, answer.status(), answer.body());
            assertTrue(answer.body().contains("\"code\":\"invalid_api_key\""), answer.body());
            assertEquals("close", answer.header("connection"));
            assertTrue(client.closedByGateway(), "the connection is closed rather than its body read");
        }
        assertEquals(401, gateway.sink().await("unauth-1").status(), "the refused call is audited as any other");
    }

    @Test
    void memoryExhaustionBeforeAuthentication_aFinanceKeyIsRefusedOnItsHeadToo() {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.send(chatHead(GatewayHarness.FINANCE_KEY, 1000, "finance-1")).send("{");
            Answer answer = client.read();
            assertEquals(403, answer.status(), answer.body());
            assertTrue(client.closedByGateway());
        }
    }

    @Test
    void memoryExhaustionBeforeAuthentication_bodiesInFlightAreBoundedAcrossCallsAndCounted() {
        double refusedBefore = refusals("inflight_body_bytes");
        List<RawHttp> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                RawHttp client = RawHttp.connect(gateway.port());
                held.add(client);
                client.send(chatHead(GatewayHarness.LOOP_KEY, 1000, "held-" + i)).send("{");
            }
            assertTrue(Poll.until(Poll.WAIT, () -> metrics().value("loopgate_inflight_body_bytes") == 2000),
                    "both held bodies are set aside");
            try (RawHttp third = RawHttp.connect(gateway.port())) {
                third.send(chatHead(GatewayHarness.LOOP_KEY, 100, "third"));
                Answer answer = third.read();
                assertEquals(503, answer.status(), answer.body());
                assertTrue(answer.body().contains("\"code\":\"gateway_busy\""), answer.body());
                assertEquals("1", answer.header("retry-after"));
            }
            assertEquals(refusedBefore + 1, refusals("inflight_body_bytes"));
        } finally {
            held.forEach(RawHttp::close);
        }
        // what the held calls set aside is given back when their connections go
        assertTrue(Poll.until(Poll.WAIT, () -> metrics().value("loopgate_inflight_body_bytes") == 0), "held bodies released");
        assertEquals(200, gateway.post(CHAT, GOOD_CHAT).send().status());
    }

    @Test
    void memoryExhaustionBeforeAuthentication_aBodyDeclaredLargerThanAllowedIsRefusedBeforeItIsRead() {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.send(chatHead(GatewayHarness.LOOP_KEY, 5_000_000, "too-large")).send("{");
            Answer answer = client.read();
            assertEquals(413, answer.status(), answer.body());
            assertTrue(answer.body().contains("\"code\":\"request_too_large\""), answer.body());
        }
    }

    @Test
    void slowClients_aHeadTrickledPastTheHeaderTimeoutIsCut() {
        double before = refusals("header_timeout");
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.send("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthor");
            assertTrue(client.closedByGateway(), "a head that never completes is cut");
        }
        assertEquals(before + 1, refusals("header_timeout"));
    }

    @Test
    void slowClients_aBodyThatStopsArrivingIsAnswered408() {
        double before = refusals("body_timeout");
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.send(chatHead(GatewayHarness.LOOP_KEY, 200, "slow-body")).send("{\"model\":");
            Answer answer = client.read();
            assertEquals(408, answer.status(), answer.body());
            assertTrue(answer.body().contains("\"code\":\"request_timeout\""), answer.body());
            assertTrue(client.closedByGateway());
        }
        assertEquals(before + 1, refusals("body_timeout"));
        assertTrue(gateway.upstream("primary").received().isEmpty(), "nothing of it reached the provider");
    }

    @Test
    void slowClients_oneAddressMayHoldOnlySoManyConnections() {
        double before = refusals("connections_per_address");
        List<RawHttp> open = new ArrayList<>();
        try {
            // the harness's own client may hold a few pooled connections; fill up to the cap and past it
            boolean refused = false;
            for (int i = 0; i < 30 && !refused; i++) {
                RawHttp client = RawHttp.connect(gateway.port());
                open.add(client);
                client.send(RawHttp.head("GET", "/healthz"));
                refused = isClosedWithoutAnswer(client);
            }
            assertTrue(refused, "a connection past the cap is closed at once");
            assertTrue(open.size() <= 25, "no more than the cap (24) were served: " + open.size());
        } finally {
            open.forEach(RawHttp::close);
        }
        assertTrue(refusals("connections_per_address") > before);
        assertEquals(200, gateway.request(HttpMethod.GET, "/healthz").noKey().send().status(),
                "the address may connect again once its connections closed");
    }

    @Test
    void smaller_anUnsupportedHttpVersionIsAnswered505() {
        for (String version : List.of("HTTP/1.2", "HTTP/2.0", "HTTP/3.1")) {
            try (RawHttp client = RawHttp.connect(gateway.port())) {
                client.send("GET /healthz " + version + "\r\nHost: 127.0.0.1\r\n\r\n");
                Answer answer = client.read();
                assertEquals(505, answer.status(), version + ": " + answer.head());
                assertTrue(answer.body().contains("\"code\":\"http_version_not_supported\""), answer.body());
            }
        }
    }

    @Test
    void smaller_clientFramingErrorsAre400sWithoutAStackTraceInTheLog() {
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            List<String> framings = List.of(
                    chunked(GatewayHarness.LOOP_KEY) + "zz\r\n{}\r\n0\r\n\r\n",
                    chunked(GatewayHarness.LOOP_KEY) + "5\r\n{\"a\":1}\r\n0\r\n\r\n",
                    RawHttp.head("POST", CHAT, "Authorization: Bearer " + GatewayHarness.LOOP_KEY,
                            "Content-Length: 12", "Content-Length: 13") + "{}",
                    RawHttp.head("POST", CHAT, "Authorization: Bearer " + GatewayHarness.LOOP_KEY,
                            "Content-Length: -5") + "{}",
                    "GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n",
                    "\u0000\u0001\u0002 garbage\r\n\r\n");
            for (String framing : framings) {
                try (RawHttp client = RawHttp.connect(gateway.port())) {
                    client.send(framing);
                    Answer answer = read(client, framing);
                    assertTrue(answer.status() >= 400 && answer.status() < 500, framing + " -> " + answer.head());
                    assertTrue(answer.body().contains("\"error\""), framing + " -> " + answer.body());
                }
            }
        } finally {
            System.setErr(original);
            System.err.print(log.toString(StandardCharsets.UTF_8));
        }
        String logged = log.toString(StandardCharsets.UTF_8);
        assertFalse(logged.contains("\tat "), "no stack trace logged for a client's framing error:\n" + logged);
        assertFalse(logged.contains("Unhandled exception"), logged);
        assertEquals(200, gateway.request(HttpMethod.GET, "/healthz").noKey().send().status());
    }

    private static String chunked(String key) {
        return RawHttp.head("POST", CHAT, "Authorization: Bearer " + key, "Content-Type: application/json",
                "X-Loop-Id: limits-loop", "Transfer-Encoding: chunked");
    }

    private static Answer read(RawHttp client, String sent) {
        try {
            return client.read();
        } catch (RuntimeException e) {
            throw new AssertionError("no answer to " + sent, e);
        }
    }

    private static boolean isClosedWithoutAnswer(RawHttp client) {
        try {
            client.read();
            return false;
        } catch (RuntimeException closed) {
            return true;
        }
    }

    private static PrometheusText metrics() {
        return PrometheusText.parse(gateway.request(HttpMethod.GET, "/metrics").noKey().send().body());
    }

    private static double refusals(String reason) {
        return metrics().valueOrZero("loopgate_client_refusals_total", "reason", reason);
    }
}
