package dev.loopgate.gateway.config.internal;

import dev.loopgate.gateway.config.HealthConfig;
import dev.loopgate.gateway.config.DialectOptions;
import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.RetryConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.config.Secret;
import dev.loopgate.gateway.config.SimulatedOptions;
import dev.loopgate.gateway.config.Timeouts;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawProviderConfig;
import dev.loopgate.gateway.config.internal.RawGatewayConfig.RawTimeoutsConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks one entry of {@code providers:}; part of {@link ConfigValidator}. */
final class ProviderValidator {
    static final int MAX_CONNECTIONS = 10_000;

    private static final String SUPPORTED = Arrays.stream(ProviderType.values())
            .map(ProviderType::wireName).collect(Collectors.joining(", "));
    /** RFC 9110 {@code tchar}, besides letters and digits. */
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private final Problems problems;
    private final FailoverValidator failover;
    private final RetryConfig retryDefaults;
    private final HealthConfig healthDefaults;

    /**
     * @param retryDefaults what a provider's {@code retry:} fields default to (the top-level section's)
     * @param healthDefaults likewise for {@code health:}
     */
    ProviderValidator(Problems problems, RetryConfig retryDefaults, HealthConfig healthDefaults) {
        this.problems = problems;
        this.failover = new FailoverValidator(problems);
        this.retryDefaults = retryDefaults;
        this.healthDefaults = healthDefaults;
    }

    /** The provider, or null when it has a problem. */
    ProviderConfig validate(String name, RawProviderConfig raw) {
        String path = Problems.field("providers", name);
        if (raw == null) {
            problems.add(path, "must not be empty (needs at least a type)");
            return null;
        }
        ProviderType type = type(raw.type(), Problems.field(path, "type"));
        Optional<URI> baseUrl = baseUrl(type, raw.baseUrl(), Problems.field(path, "base_url"));
        Optional<Secret> apiKey = Optional.empty();
        if (raw.apiKey() != null) {
            if (raw.apiKey().isBlank()) {
                problems.add(Problems.field(path, "api_key"), "must not be empty");
            } else {
                apiKey = Optional.of(new Secret(raw.apiKey()));
            }
        }
        Map<String, String> headers = headers(raw.headers(), raw.apiKey() != null ? credentialHeader(type) : null,
                Problems.field(path, "headers"));
        Timeouts timeouts = timeouts(raw.timeouts(), Problems.field(path, "timeouts"));
        int maxConnections = ProviderConfig.DEFAULT_MAX_CONNECTIONS;
        if (raw.maxConnections() != null) {
            maxConnections = raw.maxConnections();
            if (maxConnections < 1 || maxConnections > MAX_CONNECTIONS) {
                problems.add(Problems.field(path, "max_connections"),
                        "must be between 1 and " + MAX_CONNECTIONS + ", got " + maxConnections);
            }
        }
        SimulatedOptions simulated = simulated(type, raw, path);
        RetryConfig retry = failover.retry(raw.retry(), Problems.field(path, "retry"), retryDefaults);
        HealthConfig health = failover.health(raw.health(), Problems.field(path, "health"), healthDefaults);
        if (type == null) {
            return null;
        }
        return new ProviderConfig(name, type, baseUrl, apiKey, headers, timeouts, maxConnections, simulated, retry,
                health, dialects(raw, path));
    }

    private DialectOptions dialects(RawProviderConfig raw, String path) {
        Optional<Set<String>> betas = Optional.empty();
        if (raw.anthropicBetas() != null) {
            Set<String> names = new LinkedHashSet<>();
            for (String beta : raw.anthropicBetas()) {
                if (beta == null || beta.isBlank() || beta.contains(",")) {
                    problems.add(Problems.field(path, "anthropic_betas"), "each entry must be one beta name, got '"
                            + beta + "'");
                } else {
                    names.add(beta.trim());
                }
            }
            betas = Optional.of(names);
        }
        boolean responsesNative = false;
        if (raw.responses() != null) {
            if (raw.responses().equals("native")) {
                responsesNative = true;
            } else if (!raw.responses().equals("translated")) {
                problems.add(Problems.field(path, "responses"), "must be native or translated, got '" + raw.responses()
                        + "'");
            }
        }
        return new DialectOptions(betas, Boolean.TRUE.equals(raw.dropThinking()), responsesNative);
    }

    private ProviderType type(String raw, String path) {
        if (raw == null || raw.isBlank()) {
            problems.add(path, "required (supported: " + SUPPORTED + ")");
            return null;
        }
        for (ProviderType type : ProviderType.values()) {
            if (type.wireName().equals(raw)) {
                return type;
            }
        }
        problems.add(path, "unknown type '" + raw + "' (supported: " + SUPPORTED + ")");
        return null;
    }

    private Optional<URI> baseUrl(ProviderType type, String raw, String path) {
        if (type == ProviderType.SIMULATED) {
            if (raw != null) {
                problems.add(path, "not allowed for type simulated (the gateway serves it itself)");
            }
            return Optional.empty();
        }
        if (raw == null || raw.isBlank()) {
            // The anthropic type has a default (Anthropic's own API); other hosts must be named.
            if (type == ProviderType.OPENAI) {
                problems.add(path, "required for type openai");
            }
            return Optional.empty();
        }
        String text = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problems.add(path, "not a valid URL (" + e.getReason() + ")");
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            problems.add(path, "must be an absolute http:// or https:// URL");
            return Optional.empty();
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            problems.add(path, "must not have a query or fragment (API paths are appended to it)");
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    /** The header that carries the api_key upstream, in lower case. */
    private static String credentialHeader(ProviderType type) {
        return type == ProviderType.ANTHROPIC ? "x-api-key" : "authorization";
    }

    /** @param keyHeader the lower-case header that the api_key fills, or null when no api_key is set */
    private Map<String, String> headers(Map<String, String> raw, String keyHeader, String path) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (raw == null) {
            return headers;
        }
        Map<String, String> seen = new HashMap<>();
        raw.forEach((name, value) -> {
            String headerPath = Problems.field(path, name);
            String lower = name.toLowerCase(Locale.ROOT);
            if (!isToken(name)) {
                problems.add(headerPath, "'" + name + "' is not a valid HTTP header name");
            } else if (seen.containsKey(lower)) {
                problems.add(headerPath, "duplicate of header '" + seen.get(lower)
                        + "' (header names are case-insensitive)");
            } else if (lower.equals(keyHeader)) {
                problems.add(headerPath, "conflicts with api_key (set one or the other)");
            } else if (value == null) {
                problems.add(headerPath, "expected a string, got null");
            } else if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                problems.add(headerPath, "value must not contain control characters or line breaks");
            } else {
                headers.put(name, value);
            }
            seen.putIfAbsent(lower, name);
        });
        return headers;
    }

    private static boolean isToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alphanumeric && TOKEN_SYMBOLS.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private Timeouts timeouts(RawTimeoutsConfig raw, String path) {
        Timeouts defaults = Timeouts.DEFAULTS;
        if (raw == null) {
            return defaults;
        }
        return new Timeouts(
                duration(raw.connect(), Problems.field(path, "connect"), defaults.connect(), false),
                duration(raw.firstByte(), Problems.field(path, "first_byte"), defaults.firstByte(), false),
                duration(raw.idle(), Problems.field(path, "idle"), defaults.idle(), false),
                duration(raw.total(), Problems.field(path, "total"), defaults.total(), false));
    }

    private SimulatedOptions simulated(ProviderType type, RawProviderConfig raw, String path) {
        SimulatedOptions defaults = SimulatedOptions.DEFAULTS;
        if (type == ProviderType.OPENAI || type == ProviderType.ANTHROPIC) {
            onlyForSimulated(raw.latency(), Problems.field(path, "latency"));
            onlyForSimulated(raw.chunkInterval(), Problems.field(path, "chunk_interval"));
            onlyForSimulated(raw.failureRate(), Problems.field(path, "failure_rate"));
            return defaults;
        }
        double failureRate = defaults.failureRate();
        if (raw.failureRate() != null) {
            failureRate = raw.failureRate();
            if (!(failureRate >= 0 && failureRate <= 1)) {
                problems.add(Problems.field(path, "failure_rate"), "must be between 0 and 1, got " + failureRate);
            }
        }
        return new SimulatedOptions(
                duration(raw.latency(), Problems.field(path, "latency"), defaults.latency(), true),
                duration(raw.chunkInterval(), Problems.field(path, "chunk_interval"), defaults.chunkInterval(), true),
                failureRate);
    }

    private void onlyForSimulated(Object value, String path) {
        if (value != null) {
            problems.add(path, "only allowed for type simulated");
        }
    }

    private Duration duration(String raw, String path, Duration fallback, boolean zeroAllowed) {
        return DurationParser.field(raw, path, fallback, zeroAllowed, problems);
    }
}
