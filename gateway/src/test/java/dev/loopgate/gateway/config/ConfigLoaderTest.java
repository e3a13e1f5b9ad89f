package dev.loopgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.ModelPrice;
import dev.loopgate.budgets.ledger.BreakerSettings;
import dev.loopgate.budgets.ledger.BudgetLimits;
import dev.loopgate.budgets.ledger.Period;
import dev.loopgate.budgets.ratelimit.RateLimits;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.gateway.auth.Role;
import dev.loopgate.rules.Glob;
import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.TierTable;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    static final String OPENAI_KEY = "sk-live-abcdefghijklmnop";
    static final String BUILD_BOT_KEY = "lg-build-bot-0123456789abcdef";
    static final String OPS_SHA256 = "16ba548450ff7de021bf9a6c1f7d6774756c8909e3607c8132453af202bc64a9";
    static final String FINANCE_SHA256 = "a3569b4cd72bc4fb7f27cc65cd075c349f1e5e4264c4539f4e13dd879e4e125f";
    static final String ANTHROPIC_KEY = "sk-ant-test-abcdefghijklmnop";
    static final Map<String, String> ENV = Map.of("OPENAI_API_KEY", OPENAI_KEY, "ANTHROPIC_API_KEY", ANTHROPIC_KEY,
            "BUILD_BOT_KEY", BUILD_BOT_KEY);

    /** DESIGN.md's example. */
    static final String DESIGN_EXAMPLE = """
            server: { port: 8080, max_body_bytes: 4194304 }
            redis: { url: "redis://127.0.0.1:6379" }          # omit: in-memory (one instance)
            audit: { url: "jdbc:sqlite:./data/audit.db" }      # or jdbc:postgresql://...
            providers:
              openai:    { type: openai, base_url: "https://api.openai.com/v1", api_key: "${OPENAI_API_KEY}" }
              anthropic: { type: anthropic, api_key: "${ANTHROPIC_API_KEY}" }
              local:     { type: openai, base_url: "http://127.0.0.1:8000/v1/" }
            models:      # USD per million tokens
              big:   { provider: anthropic, name: claude-opus-4-1, input: 15.0, output: 75.0 }
              small: { provider: openai, name: gpt-4.1-mini, input: 0.4, output: 1.6 }
            tiers: { frontier: [big], mid: [small, big], light: [small] }   # ordered fallbacks
            rules:
              - { id: checker-frontier, when: { role: checker }, route: frontier }
              - { id: retry-escalates,  when: { repeat_count: ">=2" }, route: { escalate: 1 } }
              - { id: nearly-broke,     when: { budget_used: ">=0.8" }, route: light }
              - { id: default, route: mid }
            budgets:
              default: { usd: 5.0, steps: 500, wall_clock: 6h, rpm: 120, tpm: 400000 }
              loops: { "nightly-*": { usd: 20.0 } }
            breakers:
              spend_rate: { usd_per_minute: 1.0 }
              repeat: { same_request: 5, window: 10m }
              upstream_failures: { consecutive: 5 }
              notify: { webhook: "http://127.0.0.1:9000/hook" }
            keys:
              - { name: build-bot, role: loop, key: "${BUILD_BOT_KEY}", loops: ["build-*"] }   # or sha256: <hex>
              - { name: finance, role: finance, sha256: "%s" }
              - { name: ops, role: admin, sha256: "%s" }
            """.formatted(FINANCE_SHA256, OPS_SHA256);

    /** The smallest config that starts: everything optional left out. */
    static final String MINIMAL = """
            providers:
              sim: { type: simulated }
            models:
              fake: { provider: sim, name: fake-1, input: 0, output: 0 }
            tiers:
              light: [fake]
              frontier: [fake]
            keys:
              - { name: ops, role: admin, sha256: "%s" }
            """.formatted(OPS_SHA256);

    @TempDir
    Path dir;

    @Test
    void redisIsOneNodeACLusterOrASentinelWithCredentialsFromTheEnvironment() {
        String providers = DESIGN_EXAMPLE.substring(DESIGN_EXAMPLE.indexOf("audit:"));
        GatewayConfig cluster = ConfigLoader.parse("""
                redis:
                  cluster: { nodes: ["redis://10.0.0.1:6379", "rediss://10.0.0.2:6379"] }
                  user: loopgate
                  password: "${REDIS_PASSWORD}"
                  namespace: prod
                """ + providers, withEnv("REDIS_PASSWORD", "s3cret"));
        RedisConfig redis = cluster.redis().orElseThrow();
        assertEquals(RedisEndpoint.cluster(List.of("redis://10.0.0.1:6379", "rediss://10.0.0.2:6379"))
                .withCredentials("loopgate", "s3cret"), redis.endpoint());
        assertEquals("prod", redis.namespace());
        assertFalse(redis.toString().contains("s3cret"), redis.toString());

        GatewayConfig sentinel = ConfigLoader.parse("""
                redis:
                  sentinel: { master: main, nodes: ["redis://s1:26379", "redis://s2:26379"] }
                """ + providers, ENV);
        assertEquals(RedisEndpoint.sentinel("main", List.of("redis://s1:26379", "redis://s2:26379")),
                sentinel.redis().orElseThrow().endpoint());
    }

    private static Map<String, String> withEnv(String name, String value) {
        Map<String, String> env = new HashMap<>(ENV);
        env.put(name, value);
        return env;
    }

    @Test
    void designExampleBecomesTheExpectedRecords() {
        GatewayConfig config = ConfigLoader.parse(DESIGN_EXAMPLE, ENV);

        assertEquals(new ServerConfig("0.0.0.0", 8080, 4_194_304, ClientLimits.defaults(4_194_304), MetricsConfig.DEFAULTS), config.server());
        assertEquals(Optional.of(new RedisConfig(RedisEndpoint.single("redis://127.0.0.1:6379"), RedisConfig.DEFAULT_NAMESPACE)), config.redis());
        assertEquals("jdbc:sqlite:./data/audit.db", config.audit().url());

        assertEquals(Set.of("openai", "anthropic", "local"), config.providers().keySet());
        ProviderConfig openai = config.providers().get("openai");
        assertEquals(OPENAI_KEY, openai.apiKey().orElseThrow().reveal());
        assertEquals(new ProviderConfig("openai", ProviderType.OPENAI, Optional.of(URI.create("https://api.openai.com/v1")),
                Optional.empty(), Map.of(), Timeouts.DEFAULTS, ProviderConfig.DEFAULT_MAX_CONNECTIONS,
                SimulatedOptions.DEFAULTS, RetryConfig.DEFAULTS, HealthConfig.DEFAULTS), withoutApiKey(openai));
        ProviderConfig anthropic = config.providers().get("anthropic");
        assertEquals(ANTHROPIC_KEY, anthropic.apiKey().orElseThrow().reveal());
        assertEquals(new ProviderConfig("anthropic", ProviderType.ANTHROPIC, Optional.empty(), Optional.empty(),
                Map.of(), Timeouts.DEFAULTS, ProviderConfig.DEFAULT_MAX_CONNECTIONS, SimulatedOptions.DEFAULTS,
                RetryConfig.DEFAULTS, HealthConfig.DEFAULTS),
                withoutApiKey(anthropic), "an anthropic provider needs no base_url: Anthropic's API is the default");
        assertEquals(Optional.of(URI.create("http://127.0.0.1:8000/v1")), config.providers().get("local").baseUrl(),
                "one trailing slash is stripped");

        assertEquals(Map.of(
                "big", new ModelConfig("big", "anthropic", "claude-opus-4-1",
                        new ModelPrice(new BigDecimal("15.0"), new BigDecimal("75.0"), null),
                        ModelConfig.DEFAULT_MAX_OUTPUT_TOKENS),
                "small", new ModelConfig("small", "openai", "gpt-4.1-mini",
                        new ModelPrice(new BigDecimal("0.4"), new BigDecimal("1.6"), null),
                        ModelConfig.DEFAULT_MAX_OUTPUT_TOKENS)),
                config.models());

        Map<String, List<String>> tiers = new LinkedHashMap<>();
        tiers.put("frontier", List.of("big"));
        tiers.put("mid", List.of("small", "big"));
        tiers.put("light", List.of("small"));
        assertEquals(new TierTable(tiers, "mid", Set.of("big", "small")), config.tiers());
        assertEquals(List.of("frontier", "mid", "light"), List.copyOf(config.tiers().tiers().keySet()),
                "tiers keep the order they are written in");

        assertEquals(3, config.keys().size());
        assertKey(config.keys().get(0), "build-bot", Role.LOOP, sha256(BUILD_BOT_KEY), List.of(Glob.compile("build-*")));
        assertKey(config.keys().get(1), "finance", Role.FINANCE, HexFormat.of().parseHex(FINANCE_SHA256), List.of());
        assertKey(config.keys().get(2), "ops", Role.ADMIN, HexFormat.of().parseHex(OPS_SHA256), List.of());

        List<String> rules = config.rules().ruleIds();
        assertEquals(4, rules.size());
        assertEquals("retry-escalates", rules.get(1));
        BudgetLimits defaults = config.budgets().defaults().limits();
        assertEquals(new BudgetLimits(5_000_000_000L, 0, 500, Duration.ofHours(6).toMillis(), Period.TOTAL), defaults);
        assertEquals(new RateLimits(120, 400_000), config.budgets().defaults().rates());
        BudgetsConfig.LoopBudget nightly = config.budgets().forLoop("nightly-7");
        assertEquals(20_000_000_000L, nightly.limits().usdNanos(), "an override replaces the fields it names");
        assertEquals(500, nightly.limits().steps(), "and keeps the default's other fields");
        assertEquals(defaults, config.budgets().forLoop("build-7").limits());
        assertEquals(new BreakerSettings(1_000_000_000L, 5, Duration.ofMinutes(10).toMillis(), 5),
                config.breakers().settings());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:9000/hook")), config.breakers().webhook());
    }

    @Test
    void omittedFieldsTakeTheirDefaults() {
        GatewayConfig config = ConfigLoader.parse(MINIMAL, Map.of());

        assertEquals(new ServerConfig(ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_PORT,
                ServerConfig.DEFAULT_MAX_BODY_BYTES, ClientLimits.defaults(ServerConfig.DEFAULT_MAX_BODY_BYTES),
                MetricsConfig.DEFAULTS), config.server());
        assertEquals(Optional.empty(), config.redis());
        assertEquals(AuditConfig.DEFAULTS, config.audit());
        ProviderConfig sim = config.providers().get("sim");
        assertEquals(Timeouts.DEFAULTS, sim.timeouts());
        assertEquals(ProviderConfig.DEFAULT_MAX_CONNECTIONS, sim.maxConnections());
        assertEquals(SimulatedOptions.DEFAULTS, sim.simulated());
        assertEquals(Optional.empty(), sim.apiKey());
        assertEquals(ModelConfig.DEFAULT_MAX_OUTPUT_TOKENS, config.model("fake").maxOutputTokens());
        assertEquals(null, config.model("fake").price().cachedInput());
        assertEquals("light", config.tiers().defaultTier(), "without a mid tier, the first tier is the default");
        assertEquals(0, config.rules().size(), "without the standard tiers there is no default rule pack");
        assertEquals(BudgetsConfig.UNLIMITED, config.budgets());
        assertEquals(BreakersConfig.OFF, config.breakers());
    }

    @Test
    void cacheReadAndCacheWritePricesAreReadFromAModel() {
        String yaml = MINIMAL.replace("fake: { provider: sim, name: fake-1, input: 0, output: 0 }", """
                fake: { provider: sim, name: fake-1, input: 3.0, output: 15.0, cache_read: 0.3, cache_write: 3.75 }
                  older: { provider: sim, name: fake-2, input: 3.0, output: 15.0, cached_input: 0.3 }""");

        GatewayConfig config = ConfigLoader.parse(yaml, Map.of());

        assertEquals(new ModelPrice(new BigDecimal("3.0"), new BigDecimal("15.0"), new BigDecimal("0.3"),
                new BigDecimal("3.75")), config.model("fake").price(), "cache_read is the cached-input price");
        assertEquals(new ModelPrice(new BigDecimal("3.0"), new BigDecimal("15.0"), new BigDecimal("0.3"), null),
                config.model("older").price(), "without cache_write, writes cost the input price");
    }

    @Test
    void midIsTheDefaultTierWhereverItIsWritten() {
        GatewayConfig config = ConfigLoader.parse(MINIMAL.replace("frontier: [fake]", "mid: [fake]"), Map.of());

        assertEquals("mid", config.tiers().defaultTier());
    }

    @Test
    void anExplicitDefaultTierWins() {
        GatewayConfig config = ConfigLoader.parse(MINIMAL + "default_tier: frontier\n", Map.of());

        assertEquals("frontier", config.tiers().defaultTier());
    }

    @Test
    void providerOptionsOverrideOnlyTheDefaultsTheyName() {
        String yaml = MINIMAL.replace("sim: { type: simulated }", """
                sim:
                    type: simulated
                    latency: 0
                    chunk_interval: 1m30s
                    failure_rate: 0.25
                    max_connections: 8
                    headers: { X-Team: loops }
                    timeouts: { connect: 500ms, total: 2h }
                """);

        ProviderConfig sim = ConfigLoader.parse(yaml, Map.of()).providers().get("sim");

        assertEquals(new SimulatedOptions(Duration.ZERO, Duration.ofSeconds(90), 0.25), sim.simulated());
        assertEquals(new Timeouts(Duration.ofMillis(500), Timeouts.DEFAULTS.firstByte(), Timeouts.DEFAULTS.idle(),
                Duration.ofHours(2)), sim.timeouts());
        assertEquals(8, sim.maxConnections());
        assertEquals(Map.of("X-Team", "loops"), sim.headers());
    }

    @Test
    void environmentVariablesAreInterpolatedWholeOrEmbedded() {
        String yaml = MINIMAL.replace("sim: { type: simulated }", """
                local:
                    type: openai
                    base_url: "http://${UPSTREAM_HOST}:${UPSTREAM_PORT}/v1"
                    api_key: ${UPSTREAM_KEY}
                    headers:
                      X-Note: "cost $$5, literal $${NOT_A_VAR}, team ${TEAM}"
                  sim: { type: simulated }
                """) + "rules: [{ id: \"${RULE_ID}\", route: light }]\n";
        Map<String, String> env = Map.of("UPSTREAM_HOST", "10.0.0.7", "UPSTREAM_PORT", "8000",
                "UPSTREAM_KEY", "sk-local-secret", "TEAM", "loops", "RULE_ID", "only-light");

        GatewayConfig config = ConfigLoader.parse(yaml, env);

        ProviderConfig local = config.providers().get("local");
        assertEquals(Optional.of(URI.create("http://10.0.0.7:8000/v1")), local.baseUrl());
        assertEquals("sk-local-secret", local.apiKey().orElseThrow().reveal());
        assertEquals("cost $$5, literal ${NOT_A_VAR}, team loops", local.headers().get("X-Note"));
        assertEquals(List.of("only-light"), config.rules().ruleIds());
    }

    @Test
    void aMissingVariableIsReportedOnceWithItsName() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(DESIGN_EXAMPLE,
                Map.of("BUILD_BOT_KEY", BUILD_BOT_KEY, "ANTHROPIC_API_KEY", ANTHROPIC_KEY)));

        assertEquals(List.of("providers.openai.api_key: environment variable OPENAI_API_KEY is not set"), e.problems());
    }

    @Test
    void aMissingKeyVariableIsNotReportedAgainAsATooShortKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(DESIGN_EXAMPLE,
                Map.of("OPENAI_API_KEY", OPENAI_KEY, "ANTHROPIC_API_KEY", ANTHROPIC_KEY)));

        assertEquals(List.of("keys[0].key: environment variable BUILD_BOT_KEY is not set"), e.problems());
    }

    @Test
    void severalMissingVariablesInOneValueAreNamedTogether() {
        String yaml = MINIMAL.replace("sim: { type: simulated }",
                "sim: { type: simulated, headers: { X-Both: \"${FIRST_VAR}-${SECOND_VAR}\" } }");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, Map.of()));

        assertEquals(List.of("providers.sim.headers.X-Both: environment variables FIRST_VAR, SECOND_VAR are not set"),
                e.problems());
    }

    @Test
    void theRawKeyIsNotRetainedOnlyItsHash() {
        GatewayConfig config = ConfigLoader.parse(DESIGN_EXAMPLE, ENV);

        assertArrayEquals(sha256(BUILD_BOT_KEY), config.keys().get(0).sha256());
        List<Object> reachable = new ArrayList<>();
        collect(config, reachable);
        byte[] rawBytes = BUILD_BOT_KEY.getBytes(StandardCharsets.UTF_8);
        for (Object value : reachable) {
            if (value instanceof byte[] bytes) {
                assertFalse(Arrays.equals(rawBytes, bytes), "raw key bytes are reachable from the config");
            } else {
                assertFalse(value.toString().contains(BUILD_BOT_KEY), "raw key is reachable from the config: " + value);
            }
        }
        assertFalse(config.toString().contains(BUILD_BOT_KEY));
    }

    @Test
    void secretsDoNotPrintThemselves() {
        GatewayConfig config = ConfigLoader.parse(DESIGN_EXAMPLE, ENV);
        Secret apiKey = config.providers().get("openai").apiKey().orElseThrow();

        assertEquals("***", apiKey.toString());
        assertEquals(OPENAI_KEY, apiKey.reveal());
        assertFalse(config.toString().contains(OPENAI_KEY), "the config's toString shows the api key");
        assertTrue(config.providers().get("openai").toString().contains("***"));
    }

    @Test
    void aValueFromTheEnvironmentIsNotEchoedInAnError() {
        String yaml = MINIMAL + "server:\n  port: ${SECRET_PORT}\n";

        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(yaml, Map.of("SECRET_PORT", "hunter2-secret")));

        assertEquals(List.of("server.port: expected an integer, got a value from the environment"), e.problems());
        assertFalse(e.getMessage().contains("hunter2"));
    }

    @Test
    void everyProblemIsReportedTogether() {
        String yaml = DESIGN_EXAMPLE
                .replace("server: { port: 8080,", "server: { prot: 8080, port: abc,")
                .replace("type: openai, base_url: \"https://api.openai.com/v1\"", "type: bedrock")
                .replace("mid: [small, big]", "mid: [small, gpt-x]")
                .replace("role: finance", "role: accountant")
                .replace("\"${BUILD_BOT_KEY}\"", "\"${MISSING_KEY}\"");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, ENV));

        assertEquals(Set.of(
                "keys[0].key: environment variable MISSING_KEY is not set",
                "server.prot: unknown field 'prot' (expected one of: host, port, max_body_bytes, max_inflight_body_bytes, header_timeout, body_timeout, keep_alive_timeout, max_connections_per_address, metrics)",
                "server.port: expected an integer, got \"abc\"",
                "providers.openai.type: unknown type 'bedrock' (supported: openai, anthropic, simulated)",
                "tiers.mid[1]: unknown model 'gpt-x'",
                "keys[1].role: unknown role 'accountant' (one of: loop, finance, admin)"),
                Set.copyOf(e.problems()));
        assertTrue(e.getMessage().startsWith("6 configuration problems:"), e.getMessage());
    }

    @Test
    void aFileIsLoadedFromDisk() throws IOException {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, DESIGN_EXAMPLE);

        assertEquals(ConfigLoader.parse(DESIGN_EXAMPLE, ENV).models(), ConfigLoader.load(file, ENV).models());
    }

    @Test
    void aMissingFileIsAConfigException() {
        Path file = dir.resolve("nowhere.yaml");

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, ENV));

        assertEquals(List.of(file + ": no such file"), e.problems());
    }

    @Test
    void anUnreadableFileIsAConfigException() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, ENV));

        assertTrue(e.problems().get(0).startsWith(dir + ": cannot be read"), e.getMessage());
    }

    private static ProviderConfig withoutApiKey(ProviderConfig p) {
        return new ProviderConfig(p.name(), p.type(), p.baseUrl(), Optional.empty(), p.headers(), p.timeouts(),
                p.maxConnections(), p.simulated(), p.retry(), p.health());
    }

    private static void assertKey(KeyConfig key, String name, Role role, byte[] sha256, List<Glob> loops) {
        assertEquals(name, key.name());
        assertEquals(role, key.role());
        assertArrayEquals(sha256, key.sha256());
        assertEquals(loops, key.loops());
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Every value reachable from a config, down to strings, numbers and byte arrays. */
    private static void collect(Object value, List<Object> out) {
        if (value == null) {
            return;
        }
        if (value instanceof Optional<?> optional) {
            optional.ifPresent(inner -> collect(inner, out));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                collect(k, out);
                collect(v, out);
            });
        } else if (value instanceof Collection<?> collection) {
            collection.forEach(inner -> collect(inner, out));
        } else if (value instanceof Secret secret) {
            out.add(secret.reveal());
        } else if (value instanceof RuleSet rules) {
            out.add(rules.document());
        } else if (value instanceof ModelPrice price) {
            List.of(Optional.of(price.input()), Optional.of(price.output()), Optional.ofNullable(price.cachedInput()),
                    Optional.ofNullable(price.cacheWrite())).forEach(inner -> collect(inner, out));
        } else if (value.getClass().isRecord()) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                try {
                    collect(component.getAccessor().invoke(value), out);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        } else if (value instanceof String || value instanceof byte[] || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || value instanceof Duration || value instanceof URI
                || value instanceof Glob || value instanceof JsonNode || value instanceof Path) {
            out.add(value);
        } else {
            fail("unexpected type in the config: " + value.getClass());
        }
    }
}
