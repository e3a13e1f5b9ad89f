package dev.loopgate.gateway.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.testing.Fixtures;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

/** Every upstream answer and failure falls in exactly one class. */
class FailureClassTest {
    @Test
    void statusesAreClassified() {
        UpstreamError none = UpstreamError.NONE;
        assertEquals(FailureClass.RATE_LIMITED, FailureClass.ofStatus(429, none));
        assertEquals(FailureClass.SERVER_ERROR, FailureClass.ofStatus(500, none));
        assertEquals(FailureClass.SERVER_ERROR, FailureClass.ofStatus(529, none));
        assertEquals(FailureClass.PROVIDER_AUTH, FailureClass.ofStatus(401, none));
        assertEquals(FailureClass.PROVIDER_AUTH, FailureClass.ofStatus(403, none));
        assertEquals(FailureClass.BAD_REQUEST, FailureClass.ofStatus(400, none));
        assertEquals(FailureClass.BAD_REQUEST, FailureClass.ofStatus(404, none));
        assertEquals(FailureClass.BAD_REQUEST, FailureClass.ofStatus(422, none));
    }

    @Test
    void contentRefusalsAreToldFromOtherBadRequests() {
        assertEquals(FailureClass.CONTENT_FILTER, FailureClass.ofStatus(400, read(Fixtures.text(Fixtures.ERROR_CONTENT_FILTER))));
        assertEquals(FailureClass.CONTENT_FILTER, FailureClass.ofStatus(400, read("""
                {"error":{"message":"Your request was rejected as a result of our safety system.",
                 "type":"invalid_request_error","param":null,"code":"content_policy_violation"}}""")));
        assertEquals(FailureClass.CONTENT_FILTER, FailureClass.ofStatus(400, read("""
                {"error":{"message":"filtered","code":null,"innererror":{"code":"ResponsibleAIPolicyViolation"}}}""")));
        assertEquals(FailureClass.BAD_REQUEST, FailureClass.ofStatus(400, read(Fixtures.text(Fixtures.ERROR_400))));
    }

    @Test
    void anUnreadableErrorBodyReadsAsNone() {
        assertEquals(UpstreamError.NONE, read("<html>Bad Gateway</html>"));
        assertEquals(UpstreamError.NONE, read("{\"error\":\"plain string\"}"));
        assertEquals(UpstreamError.NONE, UpstreamError.read(Buffer.buffer()));
    }

    @Test
    void anExhaustedQuotaIsRecognised() {
        assertTrue(read("{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\","
                + "\"code\":\"insufficient_quota\"}}").quotaExhausted());
        assertFalse(read(Fixtures.text(Fixtures.ERROR_429)).quotaExhausted());
    }

    @Test
    void onlyFailuresOfTheProviderCountAgainstItsHealth() {
        for (FailureClass failure : FailureClass.values()) {
            boolean callersOrOurs = failure == FailureClass.BAD_REQUEST || failure == FailureClass.CONTENT_FILTER
                    || failure == FailureClass.PROVIDER_AUTH;
            assertEquals(!callersOrOurs, failure.unhealthy(), failure::name);
        }
    }

    @Test
    void everyUpstreamExceptionKindHasAClass() {
        for (UpstreamException.Kind kind : UpstreamException.Kind.values()) {
            assertEquals(kind.isTimeout(), FailureClass.of(kind).isTimeout(), kind::name);
        }
        assertEquals(FailureClass.CONNECT_ERROR, FailureClass.of(UpstreamException.Kind.CONNECT));
        assertEquals(FailureClass.CONNECTION_LOST, FailureClass.of(UpstreamException.Kind.CONNECTION_LOST));
    }

    private static UpstreamError read(String body) {
        return UpstreamError.read(Buffer.buffer(body));
    }
}
