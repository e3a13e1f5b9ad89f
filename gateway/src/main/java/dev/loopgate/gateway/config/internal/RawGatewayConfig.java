package dev.loopgate.gateway.config.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * {@code gateway.yaml} exactly as written, after {@code ${VAR}} interpolation and before
 * any check: every field may be null, and field names are the YAML's in snake_case.
 * {@link ConfigValidator} turns it into a {@code GatewayConfig}. Component order is the
 * order unknown-field messages list the expected names in.
 */
record RawGatewayConfig(
        RawServerConfig server,
        RawRedisConfig redis,
        RawAuditConfig audit,
        Map<String, RawProviderConfig> providers,
        Map<String, RawModelConfig> models,
        Map<String, List<String>> tiers,
        String defaultTier,
        Map<String, String> aliases,
        JsonNode rules,
        RawBudgetsConfig budgets,
        RawBreakersConfig breakers,
        Map<String, RawToolPolicy> tools,
        RawRetryConfig retry,
        RawHealthConfig health,
        RawResponsesConfig responses,
        List<RawKeyConfig> keys) {

    /** {@code tools.<loop glob>:}: entries are a tool-name glob, or {@code { tool: <glob>, args: <regex> }}. */
    record RawToolPolicy(List<JsonNode> allow, List<JsonNode> deny, List<JsonNode> approve, Map<String, Long> maxCalls) {
    }

    /** {@code responses:}: how long a response served through the hub can be continued. */
    record RawResponsesConfig(String ttl) {
    }

    /** {@code server:}. */
    record RawServerConfig(String host, Integer port, Long maxBodyBytes, Long maxInflightBodyBytes,
            String headerTimeout, String bodyTimeout, String keepAliveTimeout, Integer maxConnectionsPerAddress,
            RawMetricsConfig metrics) {
    }

    /** {@code server.metrics:}. */
    record RawMetricsConfig(Boolean enabled, Boolean requireKey) {
    }

    /** {@code redis:}: one of a single node's URL, a cluster or a Sentinel; credentials; the prefix of every key. */
    record RawRedisConfig(String url, RawRedisCluster cluster, RawRedisSentinel sentinel, String user, String password,
            String tlsCa, String namespace) {
    }

    /** {@code redis.cluster:}. */
    record RawRedisCluster(List<String> nodes) {
    }

    /** {@code redis.sentinel:}. */
    record RawRedisSentinel(String master, List<String> nodes) {
    }

    /** {@code audit:}. */
    record RawAuditConfig(String url, String spoolDir, Boolean storeContent, Integer contentChars,
            Integer retentionDays) {
    }

    /** One entry of {@code providers:}; the last three only for the simulated type. */
    record RawProviderConfig(
            String type,
            String baseUrl,
            String apiKey,
            Map<String, String> headers,
            RawTimeoutsConfig timeouts,
            Integer maxConnections,
            RawRetryConfig retry,
            RawHealthConfig health,
            List<String> anthropicBetas,
            Boolean dropThinking,
            String responses,
            String latency,
            String chunkInterval,
            Double failureRate) {
        @Override
        public String toString() {
            return "RawProviderConfig[type=" + type + ", baseUrl=" + baseUrl + ", apiKey=***]";
        }
    }

    /**
     * {@code retry:} at the top level (defaults for every provider, and the per-call cap
     * {@code max_total_attempts}) or under one provider (its own values; no cap there).
     */
    record RawRetryConfig(Integer maxAttempts, String baseDelay, String maxDelay, String maxRetryAfter,
            Integer maxTotalAttempts) {
    }

    /** {@code health:} at the top level (defaults for every provider) or under one provider. */
    record RawHealthConfig(String window, Integer minCalls, Double errorRate, String coolDown) {
    }

    /** {@code providers.X.timeouts:}, each a duration such as {@code 5s}. */
    record RawTimeoutsConfig(String connect, String firstByte, String idle, String total) {
    }

    /**
     * One entry of {@code models:}; prices in USD per million tokens. {@code cache_read} is
     * another name for {@code cached_input} (Anthropic's term); set one of them.
     */
    record RawModelConfig(
            String provider,
            String name,
            BigDecimal input,
            BigDecimal output,
            BigDecimal cachedInput,
            BigDecimal cacheRead,
            BigDecimal cacheWrite,
            Integer maxOutputTokens) {
    }

    /** One entry of {@code keys:}: the raw {@code key} or its {@code sha256}. */
    record RawKeyConfig(String name, String role, String key, String sha256, List<String> loops) {
        @Override
        public String toString() {
            return "RawKeyConfig[name=" + name + ", role=" + role + ", key=***]";
        }
    }

    /** {@code budgets:}; {@code default} is a Java keyword, hence the property name. */
    record RawBudgetsConfig(
            @JsonProperty("default") RawBudget defaults,
            Map<String, RawBudget> loops,
            Map<String, RawKeyBudget> keys,
            String reservationTtl,
            String onRedisDown,
            Double localSlice,
            RawRunCaps runs) {
    }

    /** One budget: the default, or a loop override whose fields replace the default's. */
    record RawBudget(BigDecimal usd, Long tokens, Long steps, String wallClock, String period, Long rpm, Long tpm,
            RawRunCaps runs) {
    }

    /** {@code budgets.runs} or a loop's {@code runs}: the caps of each run. */
    record RawRunCaps(BigDecimal usd, Long tokens, Long steps, String wallClock, String idle) {
    }

    /** {@code budgets.keys.<name>}. */
    record RawKeyBudget(BigDecimal usdPerDay, Long rpm, Long tpm) {
    }

    /** {@code breakers:}. */
    record RawBreakersConfig(RawSpendRate spendRate, RawRepeat repeat, RawUpstreamFailures upstreamFailures,
            @JsonProperty("notify") RawNotify notification, List<Double> warnAt) {
    }

    record RawSpendRate(BigDecimal usdPerMinute) {
    }

    record RawRepeat(Integer sameRequest, String window) {
    }

    record RawUpstreamFailures(Integer consecutive) {
    }

    record RawNotify(String webhook, String secret) {
    }
}
