package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.provider.health.TargetSnapshot;
import dev.loopgate.gateway.testing.BlackholePort;
import dev.loopgate.gateway.testing.FakeClock;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every failure class, for a stream and a whole answer, against real local upstreams that
 * fail that way: the same target is tried again, the next target serves, or the call
 * fails with the documented status and code (the table in {@code docs/failover.md}).
 */
class FallbackMatrixTest {
    static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-01-05T10:00:00Z"));
    static final BlackholePort HOLE = BlackholePort.open();
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              f:      { type: openai, base_url: "${F_URL}", api_key: "${F_API_KEY}",
                        timeouts: { first_byte: 500ms, idle: 300ms, total: 2s } }
              b:      { type: openai, base_url: "${B_URL}", api_key: "${B_API_KEY}" }
              closed: { type: openai, base_url: "${CLOSED_URL}", api_key: "sk-closed-never-reached-00" }
              hole:   { type: openai, base_url: "${HOLE_URL}", api_key: "sk-hole-never-reached-0000",
                        timeouts: { connect: 300ms } }
            models:
              flaky:      { provider: f, name: model-f, input: 1.0, output: 2.0 }
              second:     { provider: b, name: model-b, input: 3.0, output: 4.0 }
              refused:    { provider: closed, name: model-closed, input: 1.0, output: 2.0 }
              blackholed: { provider: hole, name: model-hole, input: 1.0, output: 2.0 }
            tiers:
              mid: [flaky, second]
              unreachable: [refused, second]
              unconnectable: [blackholed, second]
              only-unreachable: [refused]
              only-unconnectable: [blackholed]
            default_tier: mid
            retry: { max_attempts: 2, base_delay: 10ms, max_delay: 50ms, max_retry_after: 2s, max_total_attempts: 3 }
            # Breakers never open here (HealthBreakerTest covers them); the stopped clock keeps
            # every call in one window, so attempts at unreachable targets can be counted.
            health: { min_calls: 1000 }
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "f", "b")
            .withClock(CLOCK)
            .withEnv("HOLE_URL", HOLE.baseUrl());
    static TestUpstream f;
    static TestUpstream b;

    /** What the client sees. */
    enum Behaviour {
        /** The failing target answered on a later attempt. */
        RETRIED_SAME_TARGET,
        /** The failing target was tried once, then the next target answered. */
        NEXT_TARGET,
        /** The failing target was tried twice (one retry), then the next target answered. */
        RETRIED_THEN_NEXT_TARGET,
        /** No other target was asked; the client got {@code status} and {@code code}. */
        FAILED,
        /** The stream had begun: it ends with an error event {@code code} and no [DONE]; no other target was asked. */
        CUT_MID_STREAM
    }

    record Expected(Behaviour behaviour, int status, String code) {
        static Expected of(Behaviour behaviour) {
            return new Expected(behaviour, 200, null);
        }

        static Expected failed(int status, String code) {
            return new Expected(Behaviour.FAILED, status, code);
        }

        static Expected cut(String code) {
            return new Expected(Behaviour.CUT_MID_STREAM, 200, code);
        }
    }

    /**
     * One row of the table: the tier called, how upstream {@code f} answers (null: the tier's
     * first target is not {@code f}), and what a whole-answer call and a stream each get
     * (null: not applicable).
     */
    enum Case {
        CONNECT_ERROR("unreachable", null,
                Expected.of(Behaviour.RETRIED_THEN_NEXT_TARGET), Expected.of(Behaviour.RETRIED_THEN_NEXT_TARGET)),
        CONNECT_TIMEOUT("unconnectable", null,
                Expected.of(Behaviour.NEXT_TARGET), Expected.of(Behaviour.NEXT_TARGET)),
        FIRST_BYTE_TIMEOUT("mid", UpstreamAnswer::hang,
                Expected.of(Behaviour.NEXT_TARGET), Expected.of(Behaviour.NEXT_TARGET)),
        IDLE_TIMEOUT_BEFORE_ANY_BYTE_REACHED_THE_CLIENT("mid", null,
                Expected.of(Behaviour.NEXT_TARGET), Expected.of(Behaviour.NEXT_TARGET)),
        IDLE_TIMEOUT_AFTER_THE_FIRST_BYTE("mid", () -> UpstreamAnswer.sseThenHang(Fixtures.CHAT_STREAM, 2),
                null, Expected.cut("upstream_timeout")),
        TOTAL_TIMEOUT("mid", null,
                Expected.failed(504, "upstream_timeout"), Expected.failed(504, "upstream_timeout")),
        CONNECTION_LOST_BEFORE_THE_ANSWER("mid", UpstreamAnswer::cutOnArrival,
                Expected.of(Behaviour.NEXT_TARGET), Expected.of(Behaviour.NEXT_TARGET)),
        CONNECTION_LOST_MID_ANSWER("mid", null,
                Expected.of(Behaviour.NEXT_TARGET), Expected.cut("upstream_error")),
        RATE_LIMITED_WITH_RETRY_AFTER("mid", () -> UpstreamAnswer.firstThen(
                UpstreamAnswer.json(429, Fixtures.ERROR_429, Map.of("Retry-After", "0")), UpstreamAnswer.recorded()),
                Expected.of(Behaviour.RETRIED_SAME_TARGET), Expected.of(Behaviour.RETRIED_SAME_TARGET)),
        SERVER_ERROR("mid", () -> UpstreamAnswer.firstThen(
                UpstreamAnswer.json(500, Fixtures.ERROR_503), UpstreamAnswer.recorded()),
                Expected.of(Behaviour.RETRIED_SAME_TARGET), Expected.of(Behaviour.RETRIED_SAME_TARGET)),
        PROVIDER_AUTH_ERROR("mid", () -> UpstreamAnswer.json(401, Fixtures.ERROR_401),
                Expected.of(Behaviour.NEXT_TARGET), Expected.of(Behaviour.NEXT_TARGET)),
        BAD_REQUEST("mid", () -> UpstreamAnswer.json(400, Fixtures.ERROR_400),
                Expected.failed(400, "decimal_above_max_value"), Expected.failed(400, "decimal_above_max_value")),
        CONTENT_FILTER("mid", () -> UpstreamAnswer.json(400, Fixtures.ERROR_CONTENT_FILTER),
                Expected.failed(400, "content_filter"), Expected.failed(400, "content_filter"));

        final String tier;
        final Supplier<UpstreamAnswer> answer;
        final Expected whole;
        final Expected stream;

        Case(String tier, Supplier<UpstreamAnswer> answer, Expected whole, Expected stream) {
            this.tier = tier;
            this.answer = answer;
            this.whole = whole;
            this.stream = stream;
        }

        /** How {@code f} fails this case; some differ between a stream and a whole answer. */
        UpstreamAnswer answer(boolean streamed) {
            return switch (this) {
                case IDLE_TIMEOUT_BEFORE_ANY_BYTE_REACHED_THE_CLIENT -> streamed
                        ? UpstreamAnswer.sseHeadersThenHang() : UpstreamAnswer.partialJsonThenHang();
                case TOTAL_TIMEOUT -> UpstreamAnswer.trickle(streamed ? "text/event-stream" : "application/json", 50);
                case CONNECTION_LOST_MID_ANSWER -> streamed
                        ? UpstreamAnswer.sseThenCut(Fixtures.CHAT_STREAM, 3) : UpstreamAnswer.partialJsonThenCut();
                default -> answer == null ? null : answer.get();
            };
        }
    }

    @BeforeAll
    static void findUpstreams() {
        f = gateway.upstream("f");
        b = gateway.upstream("b");
    }

    @AfterAll
    static void closeHole() {
        HOLE.close();
    }

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        for (Case failure : Case.values()) {
            if (failure.whole != null) {
                rows.add(Arguments.of(failure, false));
            }
            if (failure.stream != null) {
                rows.add(Arguments.of(failure, true));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("matrix")
    void eachFailureClassGetsItsDocumentedBehaviour(Case failure, boolean stream) {
        String target = switch (failure.tier) {
            case "unreachable" -> "refused";
            case "unconnectable" -> "blackholed";
            default -> "flaky";
        };
        long callsBefore = calls(target);
        UpstreamAnswer answer = failure.answer(stream);
        if (answer != null) {
            f.answer(answer);
        }
        Expected expected = stream ? failure.stream : failure.whole;

        GatewayResponse response = call(failure.tier, stream).send();

        long attempts = target.equals("flaky") ? f.received().size() : calls(target) - callsBefore;
        switch (expected.behaviour()) {
            case RETRIED_SAME_TARGET -> {
                assertServed(response, "flaky", stream);
                assertEquals(2, attempts, "the failing target must be tried again");
                assertEquals(List.of(), b.received(), "no other target may be asked");
            }
            case NEXT_TARGET, RETRIED_THEN_NEXT_TARGET -> {
                assertServed(response, "second", stream);
                assertEquals(expected.behaviour() == Behaviour.NEXT_TARGET ? 1 : 2, attempts,
                        "attempts at the failing target");
                assertEquals(1, b.received().size());
            }
            case FAILED -> {
                assertEquals(expected.status(), response.status(), response::toString);
                assertEquals(expected.code(), response.json().path("error").path("code").asText(), response::toString);
                assertEquals(1, attempts, "a failure that ends the call is not retried");
                assertEquals(List.of(), b.received(), "no other target may be asked");
            }
            case CUT_MID_STREAM -> {
                assertEquals(200, response.status(), response::toString);
                List<String> payloads = response.dataPayloads();
                assertFalse(payloads.contains("[DONE]"), "a stream cut after its first byte must not look finished");
                JsonNode last = Fixtures.parse(payloads.get(payloads.size() - 1));
                assertEquals(expected.code(), last.path("error").path("code").asText(), response::toString);
                assertEquals("flaky", response.header("x-loopgate-model"));
                assertEquals(1, attempts, "a stream that reached the client is never retried");
                assertEquals(List.of(), b.received(), "a stream that reached the client never falls back");
            }
        }
    }

    @Test
    void aConnectTimeoutIsATimeoutAndARefusedConnectionIsNot() {
        GatewayResponse timedOut = call("only-unconnectable", false).send();
        GatewayResponse refused = call("only-unreachable", false).send();

        assertEquals(504, timedOut.status(), timedOut::toString);
        assertEquals("upstream_timeout", timedOut.json().path("error").path("code").asText());
        assertEquals(502, refused.status(), refused::toString);
        assertEquals("upstream_error", refused.json().path("error").path("code").asText());
        String message = refused.json().path("error").path("message").asText();
        assertEquals(2, message.split("refused: closed: ", -1).length - 1,
                "a refused connection is tried twice: " + message);
    }

    @Test
    void retryAfterInSecondsIsWaitedForBeforeTheSameTargetIsAskedAgain() {
        f.answer(UpstreamAnswer.firstThen(UpstreamAnswer.json(429, Fixtures.ERROR_429, Map.of("Retry-After", "1")),
                UpstreamAnswer.recorded()));

        GatewayResponse response = call("mid", false).send();

        assertServed(response, "flaky", false);
        assertSecondAttemptNoEarlierThan(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterAsAnHttpDateIsWaitedForUntilThatDate() {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(CLOCK.instant().plusSeconds(1).atOffset(ZoneOffset.UTC));
        f.answer(UpstreamAnswer.firstThen(UpstreamAnswer.json(429, Fixtures.ERROR_429, Map.of("Retry-After", date)),
                UpstreamAnswer.recorded()));

        GatewayResponse response = call("mid", true).send();

        assertServed(response, "flaky", true);
        assertSecondAttemptNoEarlierThan(Duration.ofSeconds(1));
    }

    @Test
    void retryAfterLongerThanTheMaximumWaitFallsBackAtOnce() {
        f.answer(UpstreamAnswer.json(429, Fixtures.ERROR_429, Map.of("Retry-After", "30")));

        GatewayResponse response = call("mid", false).send();

        assertServed(response, "second", false);
        assertEquals(1, f.received().size(), "a wait above retry.max_retry_after is not waited for");
    }

    @Test
    void serverErrorOnEveryAttemptFallsBackOnceTheTargetsAttemptsAreUsed() {
        f.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));

        GatewayResponse response = call("mid", true).send();

        assertServed(response, "second", true);
        assertEquals(2, f.received().size(), "retry.max_attempts is 2");
    }

    @Test
    void attemptsAreCappedOverTheWholeChain() {
        f.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));
        b.answer(UpstreamAnswer.json(503, Fixtures.ERROR_503));

        GatewayResponse response = call("mid", false).send();

        assertEquals(503, response.status(), response::toString);
        assertEquals("all_targets_failed", response.json().path("error").path("code").asText());
        assertEquals(2, f.received().size());
        assertEquals(1, b.received().size(), "retry.max_total_attempts is 3: the second target gets no retry");
    }

    @Test
    void clientLeavingDuringTheBackoffCancelsTheRetry() {
        f.answer(UpstreamAnswer.json(429, Fixtures.ERROR_429, Map.of("Retry-After", "1")));
        GatewayRequest request = call("mid", false);
        StreamingCall open = request.openWithoutWaiting();
        ReceivedRequest first = f.awaitRequests(1).get(0);

        open.disconnect();

        assertEquals(499, gateway.sink().await(request.requestId()).status());
        long retryWouldBeAt = first.receivedAtNanos() + Duration.ofMillis(1500).toNanos();
        Poll.until(Poll.WAIT, () -> System.nanoTime() - retryWouldBeAt > 0);
        assertEquals(1, f.received().size(), "the pending retry must be dropped when the client leaves");
        assertEquals(List.of(), b.received());
    }

    private static void assertSecondAttemptNoEarlierThan(Duration wait) {
        List<ReceivedRequest> received = f.received();
        assertEquals(2, received.size());
        long between = received.get(1).receivedAtNanos() - received.get(0).receivedAtNanos();
        assertTrue(between >= wait.toNanos(),
                "the retry came " + Duration.ofNanos(between).toMillis() + " ms after the 429, before Retry-After allowed");
    }

    private static void assertServed(GatewayResponse response, String model, boolean stream) {
        assertEquals(200, response.status(), response::toString);
        assertEquals(model, response.header("x-loopgate-model"), response::toString);
        if (stream) {
            List<String> payloads = response.dataPayloads();
            assertEquals("[DONE]", payloads.get(payloads.size() - 1), response::toString);
            assertEquals(Fixtures.streamContent(), ProxyRoundTripTest.deltaContent(payloads));
        } else {
            assertEquals(Fixtures.json(Fixtures.CHAT), response.json());
        }
    }

    /** Calls counted by the target's health breaker: one per attempt that failed or succeeded. */
    private static long calls(String model) {
        return gateway.providerHealth().snapshot().stream()
                .filter(target -> target.model().equals(model))
                .mapToLong(TargetSnapshot::calls)
                .findFirst().orElseThrow();
    }

    private static GatewayRequest call(String tier, boolean stream) {
        return gateway.post("/v1/chat/completions", "{\"model\":\"" + tier + "\"," + (stream ? "\"stream\":true," : "")
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Plan the work.\"}]}");
    }
}
