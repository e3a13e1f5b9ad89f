package dev.loopgate.gateway.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.ModelPrice;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.budgets.responses.ResponseStores;
import dev.loopgate.gateway.auth.Role;
import dev.loopgate.gateway.config.AuditConfig;
import dev.loopgate.gateway.config.BreakersConfig;
import dev.loopgate.gateway.config.BudgetsConfig;
import dev.loopgate.gateway.config.ClientLimits;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.config.KeyConfig;
import dev.loopgate.gateway.config.MetricsConfig;
import dev.loopgate.gateway.config.ModelConfig;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.RedisConfig;
import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.config.ServerConfig;
import dev.loopgate.gateway.config.ToolScope;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawAuditConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawKeyConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawMetricsConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawModelConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawRedisConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawServerConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawToolPolicy;
import dev.loopgate.rules.DefaultRules;
import dev.loopgate.rules.Glob;
import dev.loopgate.rules.RuleSet;
import dev.loopgate.rules.RulesException;
import dev.loopgate.rules.TierTable;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Turns a {@link RawGatewayConfig} into a {@link GatewayConfig}, recording every
 * problem with its path. Providers and keys are checked by {@link ProviderValidator}
 * and {@link KeyValidator}, retry and health sections by {@link FailoverValidator}; the
 * rest is here. Returns null when any problem was found.
 */
final class ConfigValidator {
    static final String DEFAULT_TIER = "mid";
    private static final int MAX_PORT = 65_535;
    private static final int MAX_NAMESPACE_LENGTH = 32;
    private static final List<String> REDIS_SCHEMES = List.of("redis://", "rediss://");
    /** The tiers the default rule pack routes between; other tier names get no default rules. */
    private static final List<String> DEFAULT_PACK_TIERS = List.of("frontier", "mid", "light");
    /** Far above any real price; keeps every cost in range of a long count of nano-dollars. */
    private static final BigDecimal MAX_PRICE = BigDecimal.valueOf(1_000_000);

    private final Problems problems;

    ConfigValidator(Problems problems) {
        this.problems = problems;
    }

    GatewayConfig validate(RawGatewayConfig raw) {
        ServerConfig server = server(raw.server());
        Optional<RedisConfig> redis = redis(raw.redis());
        AuditConfig audit = audit(raw.audit());
        FailoverValidator failover = new FailoverValidator(problems);
        int maxTotalAttempts = failover.maxTotalAttempts(raw.retry());
        RetryConfig retry = failover.retry(raw.retry(), "retry", RetryConfig.DEFAULTS);
        HealthConfig health = failover.health(raw.health(), "health", HealthConfig.DEFAULTS);
        Map<String, ProviderConfig> providers = providers(raw, retry, health);
        Map<String, ModelConfig> models = models(raw);
        TierTable tiers = tiers(raw);
        List<KeyConfig> keys = new KeyValidator(problems).validate(raw.keys());
        metricsReaders(server.metrics(), raw.keys());
        RuleSet rules = tiers == null ? null : rules(raw.rules(), tiers);
        BudgetsValidator budgetsValidator = new BudgetsValidator(problems);
        BudgetsConfig budgets = budgetsValidator.budgets(raw.budgets(), keyNames(keys));
        BreakersConfig breakers = budgetsValidator.breakers(raw.breakers());
        Duration responsesTtl = DurationParser.field(raw.responses() == null ? null : raw.responses().ttl(),
                "responses.ttl", ResponseStores.DEFAULT_TTL, false, problems);
        if (!problems.isEmpty()) {
            return null;
        }
        return new GatewayConfig(server, redis, audit, providers, models, tiers, keys,
                rules, budgets, breakers, tools(raw.tools()), maxTotalAttempts, responsesTtl);
    }

    /**
     * The configured rules; without a {@code rules:} section, the default pack when the
     * standard tiers exist, else none (calls go where their {@code model} asks).
     */
    private RuleSet rules(JsonNode raw, TierTable tiers) {
        try {
            if (raw != null && !raw.isNull()) {
                return RuleSet.compile(raw, tiers);
            }
            boolean standardTiers = DEFAULT_PACK_TIERS.stream().allMatch(tiers::isTier);
            return standardTiers ? DefaultRules.compile(tiers) : RuleSet.compile(null, tiers);
        } catch (RulesException e) {
            problems.addFormatted(e.problems());
            return null;
        }
    }

    private static Set<String> keyNames(List<KeyConfig> keys) {
        Set<String> names = new LinkedHashSet<>();
        keys.forEach(key -> names.add(key.name()));
        return names;
    }

    private ServerConfig server(RawServerConfig raw) {
        if (raw == null) {
            return new ServerConfig(ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_PORT,
                    ServerConfig.DEFAULT_MAX_BODY_BYTES, ClientLimits.defaults(ServerConfig.DEFAULT_MAX_BODY_BYTES),
                    MetricsConfig.DEFAULTS);
        }
        String host = raw.host() == null ? ServerConfig.DEFAULT_HOST : raw.host();
        if (host.isBlank()) {
            problems.add("server.host", "must not be empty");
        }
        int port = raw.port() == null ? ServerConfig.DEFAULT_PORT : raw.port();
        if (port < 0 || port > MAX_PORT) {
            problems.add("server.port", "must be between 0 and " + MAX_PORT + " (0 picks a free port), got " + port);
        }
        long maxBodyBytes = raw.maxBodyBytes() == null ? ServerConfig.DEFAULT_MAX_BODY_BYTES : raw.maxBodyBytes();
        if (maxBodyBytes <= 0) {
            problems.add("server.max_body_bytes", "must be positive, got " + maxBodyBytes);
        }
        return new ServerConfig(host, port, maxBodyBytes, clientLimits(raw, maxBodyBytes), metrics(raw.metrics()));
    }

    private ClientLimits clientLimits(RawServerConfig raw, long maxBodyBytes) {
        long inflight = raw.maxInflightBodyBytes() == null
                ? ClientLimits.defaultMaxInflightBodyBytes(maxBodyBytes) : raw.maxInflightBodyBytes();
        if (inflight < maxBodyBytes) {
            problems.add("server.max_inflight_body_bytes", "must be at least server.max_body_bytes ("
                    + maxBodyBytes + "), or no call of the largest size could ever be taken; got " + inflight);
        }
        int perAddress = raw.maxConnectionsPerAddress() == null
                ? ClientLimits.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS : raw.maxConnectionsPerAddress();
        if (perAddress < 0) {
            problems.add("server.max_connections_per_address", "must be 0 (no cap) or positive, got " + perAddress);
        }
        return new ClientLimits(inflight,
                DurationParser.field(raw.headerTimeout(), "server.header_timeout", ClientLimits.DEFAULT_HEADER_TIMEOUT,
                        false, problems),
                DurationParser.field(raw.bodyTimeout(), "server.body_timeout", ClientLimits.DEFAULT_BODY_TIMEOUT,
                        false, problems),
                DurationParser.field(raw.keepAliveTimeout(), "server.keep_alive_timeout",
                        ClientLimits.DEFAULT_KEEP_ALIVE_TIMEOUT, false, problems),
                perAddress);
    }

    private static MetricsConfig metrics(RawMetricsConfig raw) {
        if (raw == null) {
            return MetricsConfig.DEFAULTS;
        }
        return new MetricsConfig(raw.enabled() == null ? MetricsConfig.DEFAULTS.enabled() : raw.enabled(),
                raw.requireKey() == null ? MetricsConfig.DEFAULTS.requireKey() : raw.requireKey());
    }

    /**
     * A metrics endpoint that wants a key needs a key that could be shown: one of role finance or
     * admin (read from the raw keys, so a key with some other problem still counts).
     */
    private void metricsReaders(MetricsConfig metrics, List<RawKeyConfig> keys) {
        boolean reader = keys != null && keys.stream().anyMatch(key -> key != null
                && (Role.FINANCE.wireName().equals(key.role()) || Role.ADMIN.wireName().equals(key.role())));
        if (metrics.enabled() && metrics.requireKey() && !reader) {
            problems.add("server.metrics.require_key", "no key has role finance or admin, so nothing could read"
                    + " /metrics; add one or set require_key: false");
        }
    }

    private ToolScope tools(Map<String, RawToolPolicy> raw) {
        if (raw == null) {
            return ToolScope.NONE;
        }
        List<ToolScope.LoopTools> loops = new ArrayList<>();
        raw.forEach((glob, policy) -> {
            String path = "tools.\"" + glob + "\"";
            Glob loop;
            try {
                loop = Glob.compile(glob);
            } catch (IllegalArgumentException e) {
                problems.add(path, e.getMessage());
                return;
            }
            if (policy == null) {
                problems.add(path, "needs allow, deny, approve or max_calls entries");
                return;
            }
            loops.add(new ToolScope.LoopTools(loop, toolEntries(policy.allow(), path + ".allow"),
                    toolEntries(policy.deny(), path + ".deny"), toolEntries(policy.approve(), path + ".approve"),
                    toolCaps(policy.maxCalls(), path + ".max_calls")));
        });
        return new ToolScope(loops);
    }

    private List<ToolScope.ToolCap> toolCaps(Map<String, Long> raw, String path) {
        List<ToolScope.ToolCap> caps = new ArrayList<>();
        if (raw == null) {
            return caps;
        }
        raw.forEach((tool, max) -> {
            String at = path + ".\"" + tool + "\"";
            if (max == null || max < 1) {
                problems.add(at, "the most calls of the tool one run may make: 1 or more");
                return;
            }
            try {
                caps.add(new ToolScope.ToolCap(Glob.compile(tool), max));
            } catch (IllegalArgumentException e) {
                problems.add(at, e.getMessage());
            }
        });
        return caps;
    }

    private List<ToolScope.Entry> toolEntries(List<JsonNode> raw, String path) {
        List<ToolScope.Entry> entries = new ArrayList<>();
        if (raw == null) {
            return entries;
        }
        for (int i = 0; i < raw.size(); i++) {
            JsonNode entry = raw.get(i);
            String at = path + "[" + i + "]";
            String tool = entry == null ? null : entry.isTextual() ? entry.asText() : entry.path("tool").asText(null);
            String args = entry != null && entry.isObject() ? entry.path("args").asText(null) : null;
            if (tool == null || tool.isBlank()) {
                problems.add(at, "a tool-name glob, or { tool: <glob>, args: <regex> }");
                continue;
            }
            try {
                entries.add(new ToolScope.Entry(Glob.compile(tool), args == null ? null : Pattern.compile(args)));
            } catch (PatternSyntaxException e) {
                problems.add(at + ".args", "not a regular expression: " + e.getDescription());
            } catch (IllegalArgumentException e) {
                problems.add(at + ".tool", e.getMessage());
            }
        }
        return entries;
    }

    private Optional<RedisConfig> redis(RawRedisConfig raw) {
        if (raw == null) {
            return Optional.empty();
        }
        String namespace = raw.namespace() == null ? RedisConfig.DEFAULT_NAMESPACE : raw.namespace();
        if (!isNamespace(namespace)) {
            problems.add("redis.namespace", "must be 1-" + MAX_NAMESPACE_LENGTH
                    + " characters of lower-case letters, digits, - and _, got '" + namespace + "'");
            return Optional.empty();
        }
        int kinds = (raw.url() != null ? 1 : 0) + (raw.cluster() != null ? 1 : 0) + (raw.sentinel() != null ? 1 : 0);
        if (kinds != 1) {
            problems.add("redis", kinds == 0 ? "needs url (one node), cluster: { nodes } or sentinel: { master, nodes }"
                    : "give only one of url, cluster and sentinel");
            return Optional.empty();
        }
        Optional<RedisEndpoint> endpoint;
        if (raw.url() != null) {
            endpoint = url(raw.url(), "redis", REDIS_SCHEMES).map(RedisEndpoint::single);
        } else if (raw.cluster() != null) {
            endpoint = redisNodes(raw.cluster().nodes(), "redis.cluster.nodes").map(RedisEndpoint::cluster);
        } else {
            String master = raw.sentinel().master();
            if (master == null || master.isBlank()) {
                problems.add("redis.sentinel.master", "required: the name the Sentinels monitor the master by");
            }
            endpoint = redisNodes(raw.sentinel().nodes(), "redis.sentinel.nodes")
                    .filter(nodes -> master != null && !master.isBlank())
                    .map(nodes -> RedisEndpoint.sentinel(master, nodes));
        }
        if (raw.user() != null && raw.password() == null) {
            problems.add("redis.user", "needs redis.password too");
        }
        if (raw.tlsCa() != null && !Files.isReadable(Path.of(raw.tlsCa()))) {
            problems.add("redis.tls_ca", "no readable file at '" + raw.tlsCa() + "' (a PEM file of CA certificates)");
            return Optional.empty();
        }
        return endpoint.map(found -> found.withCredentials(raw.user(), raw.password()).withTlsCa(raw.tlsCa()))
                .map(found -> new RedisConfig(found, namespace));
    }

    private Optional<List<String>> redisNodes(List<String> nodes, String path) {
        if (nodes == null || nodes.isEmpty()) {
            problems.add(path, "required: at least one redis://host:port");
            return Optional.empty();
        }
        boolean ok = true;
        for (int i = 0; i < nodes.size(); i++) {
            String node = nodes.get(i);
            if (node == null || REDIS_SCHEMES.stream().noneMatch(node::startsWith)) {
                problems.add(path + "[" + i + "]", "must start with " + String.join(" or ", REDIS_SCHEMES) + ", got '"
                        + node + "'");
                ok = false;
            }
        }
        return ok ? Optional.of(nodes) : Optional.empty();
    }

    private static boolean isNamespace(String namespace) {
        boolean ok = !namespace.isEmpty() && namespace.length() <= MAX_NAMESPACE_LENGTH;
        for (int i = 0; ok && i < namespace.length(); i++) {
            char c = namespace.charAt(i);
            ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_';
        }
        return ok;
    }

    private AuditConfig audit(RawAuditConfig raw) {
        if (raw == null) {
            return AuditConfig.DEFAULTS;
        }
        String url = raw.url() == null ? AuditConfig.DEFAULT_URL
                : url(raw.url(), "audit", List.of("jdbc:sqlite:", "jdbc:postgresql:")).orElse(AuditConfig.DEFAULT_URL);
        Path spool = raw.spoolDir() == null ? AuditConfig.DEFAULT_SPOOL_DIR : Path.of(raw.spoolDir());
        int chars = Boolean.TRUE.equals(raw.storeContent())
                ? raw.contentChars() == null ? AuditConfig.DEFAULT_CONTENT_CHARS : raw.contentChars() : 0;
        if (chars < 0 || raw.contentChars() != null && raw.contentChars() <= 0) {
            problems.add("audit.content_chars", "must be positive, got " + raw.contentChars());
        }
        int retention = raw.retentionDays() == null ? 0 : raw.retentionDays();
        if (retention < 0) {
            problems.add("audit.retention_days", "must be 0 (keep everything) or positive, got " + retention);
        }
        return new AuditConfig(url, spool, Math.max(chars, 0), Math.max(retention, 0));
    }

    private Optional<String> url(String url, String section, List<String> schemes) {
        String path = Problems.field(section, "url");
        if (url == null || url.isBlank()) {
            problems.add(path, "required (or leave out " + section + " altogether)");
            return Optional.empty();
        }
        if (schemes.stream().noneMatch(url::startsWith)) {
            problems.add(path, "must start with " + String.join(" or ", schemes));
            return Optional.empty();
        }
        return Optional.of(url);
    }

    private Map<String, ProviderConfig> providers(RawGatewayConfig raw, RetryConfig retry, HealthConfig health) {
        Map<String, ProviderConfig> providers = new LinkedHashMap<>();
        if (raw.providers() == null || raw.providers().isEmpty()) {
            problems.add("providers", "at least one provider is required");
            return providers;
        }
        ProviderValidator validator = new ProviderValidator(problems, retry, health);
        raw.providers().forEach((name, provider) -> {
            ProviderConfig config = validator.validate(name, provider);
            if (config != null) {
                providers.put(name, config);
            }
        });
        return providers;
    }

    private Map<String, ModelConfig> models(RawGatewayConfig raw) {
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        if (raw.models() == null || raw.models().isEmpty()) {
            problems.add("models", "at least one model is required");
            return models;
        }
        // When providers: itself is missing or malformed, that one problem says enough.
        Set<String> providers = raw.providers() == null ? null : raw.providers().keySet();
        raw.models().forEach((id, model) -> {
            ModelConfig config = model(id, model, providers);
            if (config != null) {
                models.put(id, config);
            }
        });
        return models;
    }

    private ModelConfig model(String id, RawModelConfig raw, Set<String> providers) {
        String path = Problems.field("models", id);
        if (id.equals(TierTable.AUTO)) {
            problems.add(path, "'auto' is reserved (it asks the rules to choose) and cannot be a model id");
            return null;
        }
        if (raw == null) {
            problems.add(path, "must not be empty (needs provider, name, input and output)");
            return null;
        }
        boolean ok = true;
        if (raw.provider() == null || raw.provider().isBlank()) {
            ok = problem(Problems.field(path, "provider"), "required");
        } else if (providers != null && !providers.contains(raw.provider())) {
            ok = problem(Problems.field(path, "provider"), "unknown provider '" + raw.provider() + "'"
                    + (providers.isEmpty() ? "" : " (providers: " + String.join(", ", providers) + ")"));
        }
        if (raw.name() == null || raw.name().isBlank()) {
            ok = problem(Problems.field(path, "name"), "required (the model's name at its provider)");
        }
        ok &= price(raw.input(), Problems.field(path, "input"), true);
        ok &= price(raw.output(), Problems.field(path, "output"), true);
        ok &= price(raw.cachedInput(), Problems.field(path, "cached_input"), false);
        ok &= price(raw.cacheRead(), Problems.field(path, "cache_read"), false);
        ok &= price(raw.cacheWrite(), Problems.field(path, "cache_write"), false);
        if (raw.cachedInput() != null && raw.cacheRead() != null) {
            ok = problem(Problems.field(path, "cache_read"),
                    "set cached_input or cache_read, not both (they name the same price)");
        }
        int maxOutputTokens = ModelConfig.DEFAULT_MAX_OUTPUT_TOKENS;
        if (raw.maxOutputTokens() != null) {
            maxOutputTokens = raw.maxOutputTokens();
            if (maxOutputTokens <= 0) {
                ok = problem(Problems.field(path, "max_output_tokens"), "must be positive, got " + maxOutputTokens);
            }
        }
        if (!ok) {
            return null;
        }
        return new ModelConfig(id, raw.provider(), raw.name(),
                new ModelPrice(raw.input(), raw.output(), raw.cachedInput() != null ? raw.cachedInput() : raw.cacheRead(),
                        raw.cacheWrite()), maxOutputTokens);
    }

    private boolean price(BigDecimal price, String path, boolean required) {
        if (price == null) {
            return !required || problem(path, "required (USD per million tokens)");
        }
        if (price.signum() < 0) {
            return problem(path, "must not be negative, got " + price.toPlainString());
        }
        if (price.compareTo(MAX_PRICE) > 0) {
            return problem(path, "must be at most " + MAX_PRICE.toPlainString() + " (USD per million tokens)");
        }
        return true;
    }

    private TierTable tiers(RawGatewayConfig raw) {
        Map<String, List<String>> tiers = new LinkedHashMap<>();
        if (raw.tiers() == null || raw.tiers().isEmpty()) {
            problems.add("tiers", "at least one tier is required");
            return null;
        }
        // When models: itself is missing or malformed, that one problem says enough.
        Set<String> models = raw.models() == null ? null : raw.models().keySet();
        boolean ok = true;
        for (Map.Entry<String, List<String>> entry : raw.tiers().entrySet()) {
            List<String> chain = chain(entry.getKey(), entry.getValue(), models);
            if (chain == null) {
                ok = false;
            } else {
                tiers.put(entry.getKey(), chain);
            }
        }
        String defaultTier = defaultTier(raw.defaultTier(), raw.tiers().keySet());
        if (!ok || defaultTier == null || models == null) {
            return null;
        }
        Map<String, String> aliases = new LinkedHashMap<>();
        if (raw.aliases() != null) {
            raw.aliases().forEach((name, target) -> {
                String path = Problems.field("aliases", name);
                if (name.isBlank()) {
                    problems.add("aliases", "an alias needs a name or glob");
                } else if (target == null || !TierTable.AUTO.equals(target) && !tiers.containsKey(target)
                        && !models.contains(target)) {
                    problems.add(path, "must name auto, a tier (" + String.join(", ", tiers.keySet()) + ") or a model,"
                            + " got " + (target == null ? "nothing" : "'" + target + "'"));
                } else {
                    aliases.put(name, target);
                }
            });
        }
        return new TierTable(tiers, defaultTier, models, aliases);
    }

    private List<String> chain(String tier, List<String> raw, Set<String> models) {
        String path = Problems.field("tiers", tier);
        if (tier.equals(TierTable.AUTO)) {
            problem(path, "'auto' is reserved (it asks the rules to choose) and cannot be a tier name");
            return null;
        }
        if (models != null && models.contains(tier)) {
            problem(path, "'" + tier + "' is both a tier and a model id; name the tier differently");
            return null;
        }
        if (raw == null || raw.isEmpty()) {
            problem(path, "must list at least one model");
            return null;
        }
        List<String> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        boolean ok = true;
        for (int i = 0; i < raw.size(); i++) {
            String model = raw.get(i);
            String modelPath = Problems.index(path, i);
            if (model == null || model.isBlank()) {
                ok = problem(modelPath, "must not be empty");
            } else if (models != null && !models.contains(model)) {
                ok = problem(modelPath, "unknown model '" + model + "'");
            } else if (!seen.add(model)) {
                ok = problem(modelPath, "model '" + model + "' is already listed in this tier");
            } else {
                chain.add(model);
            }
        }
        return ok ? chain : null;
    }

    private String defaultTier(String raw, Set<String> tiers) {
        if (raw == null) {
            return tiers.contains(DEFAULT_TIER) ? DEFAULT_TIER : tiers.iterator().next();
        }
        if (!tiers.contains(raw)) {
            problems.add("default_tier", "unknown tier '" + raw + "' (tiers: " + String.join(", ", tiers) + ")");
            return null;
        }
        return raw;
    }

    /** Records a problem; returns false so that callers can write {@code ok = problem(...)}. */
    private boolean problem(String path, String message) {
        problems.add(path, message);
        return false;
    }
}
