package dev.loopgate.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestedModelRouterTest {
    private final TierTable table = new TierTable(
            Map.of("frontier", List.of("big"), "mid", List.of("small", "big"), "light", List.of("small")),
            "mid",
            Set.of("big", "small"));
    private final RequestedModelRouter router = new RequestedModelRouter(table);

    @Test
    void autoGoesToTheDefaultTierWithItsFallbacks() {
        RouteDecision d = router.route("auto").orElseThrow();
        assertEquals("mid", d.tier());
        assertEquals(List.of("small", "big"), d.targets());
        assertEquals(RequestedModelRouter.RULE_AUTO, d.rule());
    }

    @Test
    void aTierNameGoesToThatTier() {
        RouteDecision d = router.route("frontier").orElseThrow();
        assertEquals("frontier", d.tier());
        assertEquals(List.of("big"), d.targets());
    }

    @Test
    void aConcreteModelGoesToThatModelOnly() {
        RouteDecision d = router.route("small").orElseThrow();
        assertNull(d.tier());
        assertEquals(List.of("small"), d.targets());
    }

    @Test
    void anUnknownNameHasNoRouteAndTheValidNamesAreListed() {
        assertTrue(router.route("gpt-x").isEmpty());
        assertEquals("auto, frontier, light, mid, big, small", router.validNames());
    }
}
