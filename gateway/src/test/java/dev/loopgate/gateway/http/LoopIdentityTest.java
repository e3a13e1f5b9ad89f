package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.LoopIdentity;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Which loop a call is charged to: the {@code X-Loop-Id} header, else the key's one
 * bound loop, else {@code metadata.loop_id}; run, step and role come from their headers.
 */
class LoopIdentityTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");

    @Test
    void loopHeaderWinsOverTheBodysMetadata() {
        LoopIdentity loop = loopOf(chatWithMetadataLoop("loop-from-body").loop("loop-from-header"));

        assertEquals("loop-from-header", loop.loopId());
    }

    @Test
    void keyBoundToOneLoopNeedsNoHeader() {
        LoopIdentity loop = loopOf(chat().key(GatewayHarness.SOLO_KEY).noLoopHeader());

        assertEquals(GatewayHarness.SOLO_LOOP, loop.loopId());
    }

    @Test
    void keyBoundToOneLoopWinsOverTheBodysMetadata() {
        LoopIdentity loop = loopOf(chatWithMetadataLoop("loop-from-body").key(GatewayHarness.SOLO_KEY).noLoopHeader());

        assertEquals(GatewayHarness.SOLO_LOOP, loop.loopId());
    }

    @Test
    void bodysMetadataNamesTheLoopWhenNeitherHeaderNorKeyDoes() {
        LoopIdentity loop = loopOf(chatWithMetadataLoop("loop-from-body").noLoopHeader());

        assertEquals("loop-from-body", loop.loopId());
    }

    @Test
    void keyBoundToAGlobMayNameAMatchingLoopInTheBody() {
        LoopIdentity loop = loopOf(chatWithMetadataLoop("build-nightly").key(GatewayHarness.BUILD_KEY).noLoopHeader());

        assertEquals("build-nightly", loop.loopId());
    }

    @Test
    void callRecordCarriesLoopRunStepAndRoleFromTheHeaders() {
        GatewayRequest request = chat()
                .loop("refactor-billing")
                .header("X-Loop-Run", "run-7")
                .header("X-Loop-Step", "12")
                .header("X-Loop-Role", "checker");
        GatewayResponse response = request.send();

        assertEquals(200, response.status(), response::toString);
        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(new LoopIdentity("refactor-billing", "run-7", 12, "checker"), record.loop());
        assertEquals("any-loop", record.keyName());
    }

    @Test
    void callWithoutRunStepOrRoleIsRecordedWithoutThem() {
        CallRecord record = recordOf(chat().loop("bare-loop"));

        assertEquals(new LoopIdentity("bare-loop", null, LoopIdentity.NO_STEP, null), record.loop());
    }

    private static GatewayRequest chat() {
        return gateway.post("/v1/chat/completions", """
                {"model":"auto","messages":[{"role":"user","content":"hi"}]}""");
    }

    private static GatewayRequest chatWithMetadataLoop(String loopId) {
        return gateway.post("/v1/chat/completions", """
                {"model":"auto","metadata":{"loop_id":"%s"},"messages":[{"role":"user","content":"hi"}]}"""
                .formatted(loopId));
    }

    private static LoopIdentity loopOf(GatewayRequest request) {
        return recordOf(request).loop();
    }

    private static CallRecord recordOf(GatewayRequest request) {
        GatewayResponse response = request.send();
        assertEquals(200, response.status(), response::toString);
        return gateway.sink().await(request.requestId());
    }
}
