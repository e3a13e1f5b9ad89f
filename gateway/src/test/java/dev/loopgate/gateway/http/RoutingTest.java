package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The request's {@code model} alone decides the tier and the target (rules come later). */
class RoutingTest {
    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");

    @ParameterizedTest(name = "model {0} goes to tier {1}, model {2} ({3}) by rule {4}")
    @CsvSource(nullValues = "-", value = {
            // requested, tier, model id, upstream name,          rule
            "auto,       mid,      small, gpt-4.1-mini-2025-04-14, model:auto",
            "frontier,   frontier, big,   gpt-4.1-2025-04-14,      model:tier",
            "mid,        mid,      small, gpt-4.1-mini-2025-04-14, model:tier",
            "light,      light,    nano,  gpt-4.1-nano-2025-04-14, model:tier",
            // big is only second in the mid tier: asked for by name, it is the one target
            "big,        -,        big,   gpt-4.1-2025-04-14,      model:explicit",
            "nano,       -,        nano,  gpt-4.1-nano-2025-04-14, model:explicit"})
    void requestedModelDecidesTheTierAndTheTarget(String requested, String tier, String model, String upstreamName,
            String rule) {
        GatewayRequest request = gateway.post("/v1/chat/completions",
                "{\"model\":\"" + requested + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        GatewayResponse response = request.send();

        assertEquals(200, response.status(), response::toString);
        CallRecord record = gateway.sink().await(request.requestId());
        assertAll(
                () -> assertEquals(upstreamName,
                        gateway.upstream("primary").onlyRequest().json().path("model").asText()),
                () -> assertEquals(tier, response.header("x-loopgate-tier")),
                () -> assertEquals(model, response.header("x-loopgate-model")),
                () -> assertEquals(rule, response.header("x-loopgate-rule")),
                () -> assertEquals(requested, record.requestedModel()),
                () -> assertEquals(tier, record.tier()),
                () -> assertEquals(model, record.model()),
                () -> assertEquals(rule, record.rule()));
    }
}
