package dev.loopgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.rules.DefaultRules;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        assertEquals(List.of("redis://redis:6379"), config.redis().orElseThrow().endpoint().nodes());
        assertTrue(config.audit().url().startsWith("jdbc:postgresql:"));
    }

    @Test
    void kubernetesConfigMapHoldsAValidSentinelConfig() throws IOException {
        JsonNode configMap = new ObjectMapper(new YAMLFactory())
                .readValues(new YAMLFactory().createParser(Path.of("..", "docker", "k8s", "loopgate.yaml").toFile()),
                        JsonNode.class)
                .readAll().stream().filter(doc -> "ConfigMap".equals(doc.path("kind").asText())).findFirst().orElseThrow();
        GatewayConfig config = ConfigLoader.parse(configMap.path("data").path("gateway.yaml").asText(), Map.of(
                "OPENAI_API_KEY", "sk-test", "BUILD_BOT_KEY", DUMMY_KEY, "LOOPGATE_ADMIN_KEY", DUMMY_KEY + "-admin",
                "POSTGRES_PASSWORD", "secret", "REDIS_PASSWORD", "secret"));
        RedisEndpoint redis = config.redis().orElseThrow().endpoint();
        assertEquals(RedisEndpoint.Kind.SENTINEL, redis.kind());
        assertEquals("loopgate", redis.master());
    }

    @Test
    void providersGuideExampleIsValid() throws IOException {
        String guide = Files.readString(Path.of("..", "docs", "providers.md"));
        int start = guide.indexOf("```yaml\n") + "```yaml\n".length();
        String yaml = guide.substring(start, guide.indexOf("```", start));

        GatewayConfig config = ConfigLoader.parse(yaml, Map.of("OPENAI_API_KEY", "sk-test", "ANTHROPIC_API_KEY",
                "sk-ant-test", "GEMINI_API_KEY", "gm-test", "BUILD_BOT_KEY", DUMMY_KEY));

        assertEquals(ProviderType.ANTHROPIC, config.providers().get("anthropic").type());
        assertEquals(Optional.empty(), config.providers().get("anthropic").baseUrl());
        assertEquals(URI.create("https://generativelanguage.googleapis.com/v1beta/openai"),
                config.providers().get("gemini").baseUrl().orElseThrow());
        assertEquals(ProviderType.OPENAI, config.providers().get("ollama").type());
        assertEquals(Optional.empty(), config.providers().get("ollama").apiKey());
        assertEquals(new BigDecimal("3.75"), config.model("sonnet").price().cacheWrite());
    }

    @Test
    void demoConfigIsValidAndHasEveryTier() throws IOException {
        String yaml;
        try (InputStream in = getClass().getResourceAsStream("/demo/gateway.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        GatewayConfig config = ConfigLoader.parse(yaml, Map.of("LOOPGATE_DEMO_KEY", DUMMY_KEY, "LOOPGATE_DEMO_ADMIN_KEY", DUMMY_KEY + "-admin", "LOOPGATE_DEMO_DIR", "/tmp/demo"));
        assertEquals(Set.of("frontier", "mid", "light"), config.tiers().tiers().keySet());
        config.providers().values().forEach(p -> assertEquals(ProviderType.SIMULATED, p.type()));
        assertEquals(DefaultRules.compile(config.tiers()).ruleIds(), config.rules().ruleIds(),
                "a config without rules over the standard tiers routes by the default pack");
    }
}
