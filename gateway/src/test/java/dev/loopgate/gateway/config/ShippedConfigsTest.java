package dev.loopgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.rules.DefaultRules;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The configurations we ship must stay valid as the validator grows. */
class ShippedConfigsTest {
    private static final String DUMMY_KEY = "0123456789abcdef0123";

    @Test
    void dockerExampleConfigIsValid() {
        GatewayConfig config = ConfigLoader.load(Path.of("..", "docker", "gateway.yaml"), Map.of(
                "OPENAI_API_KEY", "sk-test", "BUILD_BOT_KEY", DUMMY_KEY, "LOOPGATE_ADMIN_KEY", DUMMY_KEY + "-admin",
                "POSTGRES_PASSWORD", "secret"));
        assertEquals("mid", config.tiers().defaultTier());
        assertEquals("redis://redis:6379", config.redis().orElseThrow().url());
        assertTrue(config.audit().url().startsWith("jdbc:postgresql:"));
    }

    @Test
    void demoConfigIsValidAndHasEveryTier() throws IOException {
        String yaml;
        try (InputStream in = getClass().getResourceAsStream("/demo/gateway.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        GatewayConfig config = ConfigLoader.parse(yaml, Map.of("LOOPGATE_DEMO_KEY", DUMMY_KEY, "LOOPGATE_DEMO_DIR", "/tmp/demo"));
        assertEquals(Set.of("frontier", "mid", "light"), config.tiers().tiers().keySet());
        config.providers().values().forEach(p -> assertEquals(ProviderType.SIMULATED, p.type()));
        assertEquals(DefaultRules.compile(config.tiers()).ruleIds(), config.rules().ruleIds(),
                "a config without rules over the standard tiers routes by the default pack");
    }
}
