package dev.loopgate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.cli.LoopgateCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * One case per validation rule: a small valid config, changed in one place, must fail
 * with a message that names the path of the change, both from {@link ConfigLoader}
 * and from {@code loopgate config check} as an operator would run it.
 */
class ConfigValidationTest {
    /** Must stay unset wherever the tests run: the CLI reads the real environment. */
    static final String UNSET_VARIABLE = "LOOPGATE_TEST_SURELY_UNSET_VARIABLE";

    static final String BASE = """
            server:
              host: 127.0.0.1
              port: 8080
              max_body_bytes: 1048576
            redis:
              url: redis://127.0.0.1:6379
            audit:
              url: jdbc:sqlite:./data/audit.db
            providers:
              openai:
                type: openai
                base_url: https://api.openai.com/v1
                api_key: sk-test-0000
                headers:
                  OpenAI-Organization: org-test
                timeouts:
                  connect: 2s
                  first_byte: 30s
                max_connections: 64
              sim:
                type: simulated
                latency: 10ms
                chunk_interval: 1ms
                failure_rate: 0.1
            models:
              big:
                provider: openai
                name: gpt-4.1
                input: 2.0
                output: 8.0
                cached_input: 0.5
                max_output_tokens: 8192
              small:
                provider: sim
                name: fake-small
                input: 0.4
                output: 1.6
            tiers:
              frontier: [big]
              mid: [small, big]
              light: [small]
            default_tier: mid
            rules:
              - { id: default, route: mid }
            keys:
              - name: build-bot
                role: loop
                key: bot-key-0123456789abcdef
                loops: ["build-*"]
              - name: ops
                role: admin
                sha256: 16ba548450ff7de021bf9a6c1f7d6774756c8909e3607c8132453af202bc64a9
            """;

    @TempDir
    Path dir;

    /** A bad config: what the operator wrote and the problem that must be reported. */
    record Case(String description, String yaml, String expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Case> badConfigs() {
        return Stream.of(
                // the document
                whole("an empty file is rejected", "", "(root): the configuration is empty"),
                whole("a file of only comments is rejected", "# nothing here\n", "(root): the configuration is empty"),
                whole("a list at the top level is rejected", "- server\n- providers\n",
                        "(root): expected a mapping of sections"),
                change("a YAML syntax error is reported with its line and column",
                        "  port: 8080", "  port: [8080", "line 4, column 17: invalid YAML"),
                change("a field written twice is reported with its line and column",
                        "  port: 8080", "  port: 8080\n  port: 9090", "line 4, column 7: invalid YAML: duplicate field 'port'"),
                change("an unknown top-level section is rejected",
                        "default_tier: mid", "default_tier: mid\nserverr: {}",
                        "serverr: unknown field 'serverr' (expected one of: server, redis, audit, providers, models,"
                                + " tiers, default_tier, aliases, rules, budgets, breakers, tools, retry, health, responses, keys)"),
                change("a responses time to live that is not a duration is rejected",
                        "default_tier: mid", "default_tier: mid\nresponses: { ttl: forever }",
                        "responses.ttl: expected a duration like 500ms, 5s, 2m or 1h, got 'forever'"),
                change("a provider's responses dialect other than native or translated is rejected",
                        "max_connections: 64", "max_connections: 64\n    responses: sometimes",
                        "providers.openai.responses: must be native or translated, got 'sometimes'"),
                change("an alias naming nothing configured is rejected with what it may name",
                        "default_tier: mid", "default_tier: mid\naliases: { \"claude-*\": sonnet }",
                        "aliases.claude-*: must name auto, a tier (frontier, mid, light) or a model, got 'sonnet'"),
                // environment
                change("a variable that is not set is reported with its name and path",
                        "api_key: sk-test-0000", "api_key: ${" + UNSET_VARIABLE + "}",
                        "providers.openai.api_key: environment variable " + UNSET_VARIABLE + " is not set"),
                change("an unterminated variable reference is rejected",
                        "api_key: sk-test-0000", "api_key: ${OPENAI_API_KEY",
                        "providers.openai.api_key: unterminated '${'"),
                // server
                change("an unknown server field is rejected with the expected names",
                        "  port: 8080", "  prot: 8080",
                        "server.prot: unknown field 'prot' (expected one of: host, port, max_body_bytes, max_inflight_body_bytes, header_timeout, body_timeout, keep_alive_timeout, max_connections_per_address, metrics)"),
                change("a port that is not a number is rejected",
                        "  port: 8080", "  port: abc", "server.port: expected an integer, got \"abc\""),
                change("a port with a fraction is rejected",
                        "  port: 8080", "  port: 80.5", "server.port: expected an integer, got 80.5"),
                change("a port above 65535 is rejected",
                        "  port: 8080", "  port: 70000", "server.port: must be between 0 and 65535"),
                change("a negative port is rejected",
                        "  port: 8080", "  port: -1", "server.port: must be between 0 and 65535"),
                change("an empty host is rejected",
                        "  host: 127.0.0.1", "  host: \"\"", "server.host: must not be empty"),
                change("a zero body limit is rejected",
                        "  max_body_bytes: 1048576", "  max_body_bytes: 0", "server.max_body_bytes: must be positive"),
                change("an unknown metrics field is rejected with the expected names",
                        "  max_body_bytes: 1048576", "  max_body_bytes: 1048576\n  metrics: { requires_key: true }",
                        "server.metrics.requires_key: unknown field 'requires_key' (expected one of: enabled,"
                                + " require_key)"),
                change("a metrics switch that is not a boolean is rejected",
                        "  max_body_bytes: 1048576", "  max_body_bytes: 1048576\n  metrics: { enabled: sometimes }",
                        "server.metrics.enabled: expected"),
                whole("metrics that require a key with no finance or admin key to show are rejected",
                        BASE.replace("    role: admin", "    role: loop").replace("  max_body_bytes: 1048576",
                                "  max_body_bytes: 1048576\n  metrics: { require_key: true }"),
                        "server.metrics.require_key: no key has role finance or admin"),
                change("a server section that is not a mapping is rejected",
                        "server:\n  host: 127.0.0.1\n  port: 8080\n  max_body_bytes: 1048576\n", "server: 8080\n",
                        "server: expected a mapping, got 8080"),
                // redis and audit
                change("a redis URL without the redis scheme is rejected",
                        "url: redis://127.0.0.1:6379", "url: http://127.0.0.1:6379",
                        "redis.url: must start with redis:// or rediss://"),
                change("a redis section without a URL, a cluster or a Sentinel is rejected",
                        "redis:\n  url: redis://127.0.0.1:6379", "redis: {}",
                        "redis: needs url (one node), cluster: { nodes } or sentinel: { master, nodes }"),
                change("a redis section with both a URL and a cluster is rejected",
                        "  url: redis://127.0.0.1:6379", "  url: redis://127.0.0.1:6379\n  cluster: { nodes: [redis://a:7000] }",
                        "redis: give only one of url, cluster and sentinel"),
                change("a cluster node that is not a Redis URL is rejected, at its index",
                        "  url: redis://127.0.0.1:6379", "  cluster: { nodes: [redis://a:7000, \"b:7001\"] }",
                        "redis.cluster.nodes[1]: must start with redis:// or rediss://, got 'b:7001'"),
                change("a Sentinel without the master's name is rejected",
                        "  url: redis://127.0.0.1:6379", "  sentinel: { nodes: [redis://s1:26379] }",
                        "redis.sentinel.master: required: the name the Sentinels monitor the master by"),
                change("a TLS CA file that is not there is rejected",
                        "  url: redis://127.0.0.1:6379", "  url: rediss://127.0.0.1:6380\n  tls_ca: /nonexistent/ca.pem",
                        "redis.tls_ca: no readable file at '/nonexistent/ca.pem' (a PEM file of CA certificates)"),
                change("a tool entry whose argument pattern is not a regular expression is rejected at its path",
                        "redis:\n", "tools: { \"ops-*\": { deny: [{ tool: Bash, args: \"rm (-rf\" }] } }\nredis:\n",
                        "tools.\"ops-*\".deny[0].args: not a regular expression"),
                change("a warning fraction outside 0 to 1 is rejected, at its index",
                        "redis:\n", "breakers: { warn_at: [0.5, 1.5] }\nredis:\n",
                        "breakers.warn_at[1]: must be a fraction between 0 and 1, such as 0.8, got 1.5"),
                change("a webhook secret short enough to guess is rejected",
                        "redis:\n", "breakers: { notify: { webhook: \"http://127.0.0.1:9/hook\", secret: short } }\nredis:\n",
                        "breakers.notify.secret: must be at least 16 characters"),
                change("an ACL user without a password is rejected",
                        "  url: redis://127.0.0.1:6379", "  url: redis://127.0.0.1:6379\n  user: app",
                        "redis.user: needs redis.password too"),
                change("a key name with braces is rejected, as it would break key hash tags",
                        "name: build-bot", "name: \"build{bot}\"",
                        "keys[0].name: must be 1-128 printable characters without spaces or braces"),
                change("a budget above what the ledger holds exactly is rejected",
                        "redis:\n", "budgets: { default: { usd: 10000000 } }\nredis:\n",
                        "budgets.default.usd: must be a positive amount of USD up to "),
                change("an unknown budget period is rejected",
                        "redis:\n", "budgets: { default: { usd: 5, period: week } }\nredis:\n",
                        "budgets.default.period: must be one of total, day, month, got 'week'"),
                change("a budget for an unknown key is rejected",
                        "redis:\n", "budgets: { keys: { nobody: { usd_per_day: 5 } } }\nredis:\n",
                        "budgets.keys.nobody: unknown key 'nobody'"),
                change("an unknown redis-down policy is rejected",
                        "redis:\n", "budgets: { on_redis_down: maybe }\nredis:\n",
                        "budgets.on_redis_down: must be deny or allow, got 'maybe'"),
                change("a local slice outside (0, 1] is rejected",
                        "redis:\n", "budgets: { on_redis_down: allow, local_slice: 1.5 }\nredis:\n",
                        "budgets.local_slice: must be a fraction above 0 and at most 1, got 1.5"),
                change("a repeat breaker below two is rejected",
                        "redis:\n", "breakers: { repeat: { same_request: 1 } }\nredis:\n",
                        "breakers.repeat.same_request: must be 2-256"),
                change("a webhook that is not an http URL is rejected",
                        "redis:\n", "breakers: { notify: { webhook: \"ftp://x\" } }\nredis:\n",
                        "breakers.notify.webhook: must be an absolute http:// or https:// URL"),
                change("an unknown budget field is rejected",
                        "redis:\n", "budgets: { default: { dollars: 5 } }\nredis:\n",
                        "budgets.default.dollars: unknown field 'dollars'"),
                change("a redis namespace with braces is rejected, as it would break key hash tags",
                        "url: redis://127.0.0.1:6379", "url: redis://127.0.0.1:6379\n  namespace: \"lg{x}\"",
                        "redis.namespace: must be 1-32 characters of lower-case letters, digits, - and _"),
                change("an audit URL that is neither SQLite nor PostgreSQL is rejected",
                        "url: jdbc:sqlite:./data/audit.db", "url: jdbc:mysql://db/audit",
                        "audit.url: must start with jdbc:sqlite: or jdbc:postgresql:"),
                // providers
                removeSection("a config without providers is rejected", "providers",
                        "providers: at least one provider is required"),
                change("a providers section that is a list is rejected",
                        "providers:\n  openai:", "providers: []\nold_providers:\n  openai:",
                        "providers: expected a mapping, got a list"),
                change("a provider without a type is rejected",
                        "    type: simulated\n", "", "providers.sim.type: required (supported: openai, anthropic, simulated)"),
                change("an x-api-key header together with an api key on an anthropic provider is a conflict",
                        "    type: openai", "    type: anthropic",
                        "OpenAI-Organization: org-test", "X-Api-Key: sk-ant-other",
                        "providers.openai.headers.X-Api-Key: conflicts with api_key"),
                change("a simulated-only option on an anthropic provider is rejected",
                        "    type: openai", "    type: anthropic",
                        "    max_connections: 64", "    max_connections: 64\n    failure_rate: 0.5",
                        "providers.openai.failure_rate: only allowed for type simulated"),
                change("an anthropic base URL that is not http or https is rejected",
                        "    type: openai", "    type: anthropic",
                        "base_url: https://api.openai.com/v1", "base_url: ftp://api.anthropic.com/v1",
                        "providers.openai.base_url: must be an absolute http:// or https:// URL"),
                change("an unknown provider type is rejected",
                        "    type: simulated", "    type: bedrock",
                        "providers.sim.type: unknown type 'bedrock' (supported: openai, anthropic, simulated)"),
                change("an unknown provider field is rejected",
                        "    max_connections: 64", "    max_conections: 64",
                        "providers.openai.max_conections: unknown field 'max_conections'"),
                change("an openai provider without a base URL is rejected",
                        "    base_url: https://api.openai.com/v1\n", "",
                        "providers.openai.base_url: required for type openai"),
                change("a base URL that is not http or https is rejected",
                        "base_url: https://api.openai.com/v1", "base_url: ftp://api.openai.com/v1",
                        "providers.openai.base_url: must be an absolute http:// or https:// URL"),
                change("a relative base URL is rejected",
                        "base_url: https://api.openai.com/v1", "base_url: api.openai.com/v1",
                        "providers.openai.base_url: must be an absolute http:// or https:// URL"),
                change("a simulated provider with a base URL is rejected",
                        "    type: simulated", "    type: simulated\n    base_url: http://127.0.0.1:9/v1",
                        "providers.sim.base_url: not allowed for type simulated"),
                change("an empty api key is rejected",
                        "api_key: sk-test-0000", "api_key: \"\"", "providers.openai.api_key: must not be empty"),
                change("a header name that is not an HTTP token is rejected",
                        "OpenAI-Organization: org-test", "\"OpenAI Organization\": org-test",
                        "providers.openai.headers.OpenAI Organization: 'OpenAI Organization' is not a valid HTTP header name"),
                change("an Authorization header together with an api key is a conflict",
                        "OpenAI-Organization: org-test", "Authorization: Bearer sk-other",
                        "providers.openai.headers.Authorization: conflicts with api_key"),
                change("a header value with a line break is rejected",
                        "OpenAI-Organization: org-test", "OpenAI-Organization: \"org\\r\\nX-Evil: 1\"",
                        "providers.openai.headers.OpenAI-Organization: value must not contain control characters"),
                change("a header given twice in different case is rejected",
                        "OpenAI-Organization: org-test", "OpenAI-Organization: org-test\n      openai-organization: org-2",
                        "providers.openai.headers.openai-organization: duplicate of header 'OpenAI-Organization'"),
                change("a timeout that is not a duration is rejected",
                        "connect: 2s", "connect: 2 seconds",
                        "providers.openai.timeouts.connect: expected a duration like 500ms, 5s, 2m or 1h, got '2 seconds'"),
                change("a zero timeout is rejected",
                        "first_byte: 30s", "first_byte: 0s", "providers.openai.timeouts.first_byte: must be positive"),
                change("an unknown timeout is rejected",
                        "first_byte: 30s", "first_bytes: 30s",
                        "providers.openai.timeouts.first_bytes: unknown field 'first_bytes'"
                                + " (expected one of: connect, first_byte, idle, total)"),
                change("zero max connections are rejected",
                        "max_connections: 64", "max_connections: 0",
                        "providers.openai.max_connections: must be between 1 and 10000, got 0"),
                change("more than 10000 max connections are rejected",
                        "max_connections: 64", "max_connections: 10001",
                        "providers.openai.max_connections: must be between 1 and 10000, got 10001"),
                // retry and health
                change("zero attempts per target are rejected",
                        "max_connections: 64", "max_connections: 64\n    retry: { max_attempts: 0 }",
                        "providers.openai.retry.max_attempts: must be between 1 (no retry) and 10, got 0"),
                change("a max delay below the base delay is rejected",
                        "max_connections: 64", "max_connections: 64\n    retry: { max_delay: 50ms }",
                        "providers.openai.retry.max_delay: max_delay (50ms) must be at least base_delay (100ms)"),
                change("a per-call attempt cap under a provider is rejected",
                        "max_connections: 64", "max_connections: 64\n    retry: { max_total_attempts: 3 }",
                        "providers.openai.retry.max_total_attempts: only allowed in the top-level retry section"),
                change("an unknown retry field is rejected with the expected names",
                        "max_connections: 64", "max_connections: 64\n    retry: { attempts: 3 }",
                        "providers.openai.retry.attempts: unknown field 'attempts' (expected one of: max_attempts,"
                                + " base_delay, max_delay, max_retry_after, max_total_attempts)"),
                change("a zero per-call attempt cap is rejected",
                        "default_tier: mid", "default_tier: mid\nretry: { max_total_attempts: 0 }",
                        "retry.max_total_attempts: must be between 1 and 50, got 0"),
                change("a retry delay that is not a duration is rejected",
                        "default_tier: mid", "default_tier: mid\nretry: { base_delay: fast }",
                        "retry.base_delay: expected a duration like 500ms, 5s, 2m or 1h, got 'fast'"),
                change("an error rate above 1 is rejected",
                        "default_tier: mid", "default_tier: mid\nhealth: { error_rate: 1.5 }",
                        "health.error_rate: must be above 0 and at most 1 (a share of failed calls), got 1.5"),
                change("zero min calls are rejected",
                        "default_tier: mid", "default_tier: mid\nhealth: { min_calls: 0 }",
                        "health.min_calls: must be between 1 and 1000000, got 0"),
                change("a health window under a second is rejected",
                        "default_tier: mid", "default_tier: mid\nhealth: { window: 500ms }",
                        "health.window: must be at least 1s, got 500ms"),
                change("a zero cool-down under a provider is rejected",
                        "max_connections: 64", "max_connections: 64\n    health: { cool_down: 0s }",
                        "providers.openai.health.cool_down: must be positive"),
                change("an unknown health field is rejected with the expected names",
                        "max_connections: 64", "max_connections: 64\n    health: { windw: 30s }",
                        "providers.openai.health.windw: unknown field 'windw' (expected one of: window, min_calls,"
                                + " error_rate, cool_down)"),
                change("a simulated-only option on an openai provider is rejected",
                        "    max_connections: 64", "    max_connections: 64\n    latency: 5ms",
                        "providers.openai.latency: only allowed for type simulated"),
                change("a failure rate above 1 is rejected",
                        "failure_rate: 0.1", "failure_rate: 1.5",
                        "providers.sim.failure_rate: must be between 0 and 1, got 1.5"),
                change("a negative simulated latency is rejected",
                        "latency: 10ms", "latency: -10ms",
                        "providers.sim.latency: expected a duration like 500ms, 5s, 2m or 1h, got '-10ms'"),
                // models
                removeSection("a config without models is rejected", "models",
                        "models: at least one model is required"),
                change("a model of an unknown provider is rejected",
                        "    provider: openai", "    provider: openia",
                        "models.big.provider: unknown provider 'openia' (providers: openai, sim)"),
                change("a model without a provider is rejected",
                        "    provider: openai\n", "", "models.big.provider: required"),
                change("a model without an upstream name is rejected",
                        "    name: gpt-4.1\n", "", "models.big.name: required"),
                change("a model without an input price is rejected",
                        "    input: 2.0\n", "", "models.big.input: required (USD per million tokens)"),
                change("a model without an output price is rejected",
                        "    output: 8.0\n", "", "models.big.output: required (USD per million tokens)"),
                change("a negative price is rejected",
                        "output: 8.0", "output: -8.0", "models.big.output: must not be negative, got -8.0"),
                change("a price that is not a number is rejected",
                        "input: 2.0", "input: two dollars", "models.big.input: expected a number, got \"two dollars\""),
                change("a negative cached input price is rejected",
                        "cached_input: 0.5", "cached_input: -0.5", "models.big.cached_input: must not be negative"),
                change("a cache_read price beside cached_input is rejected, as both name one price",
                        "cached_input: 0.5", "cached_input: 0.5\n    cache_read: 0.5",
                        "models.big.cache_read: set cached_input or cache_read, not both"),
                change("a negative cache_read price is rejected",
                        "cached_input: 0.5", "cache_read: -0.5", "models.big.cache_read: must not be negative"),
                change("a negative cache_write price is rejected",
                        "cached_input: 0.5", "cached_input: 0.5\n    cache_write: -1",
                        "models.big.cache_write: must not be negative"),
                change("a zero output cap is rejected",
                        "max_output_tokens: 8192", "max_output_tokens: 0",
                        "models.big.max_output_tokens: must be positive, got 0"),
                change("a model named auto is rejected",
                        "  small:\n    provider: sim", "  auto:\n    provider: sim",
                        "models.auto: 'auto' is reserved"),
                // tiers
                removeSection("a config without tiers is rejected", "tiers", "tiers: at least one tier is required"),
                change("a tier naming an unknown model is rejected",
                        "mid: [small, big]", "mid: [small, gpt-x]", "tiers.mid[1]: unknown model 'gpt-x'"),
                change("an empty tier is rejected",
                        "light: [small]", "light: []", "tiers.light: must list at least one model"),
                change("a model listed twice in one tier is rejected",
                        "mid: [small, big]", "mid: [small, big, small]",
                        "tiers.mid[2]: model 'small' is already listed in this tier"),
                change("a tier named auto is rejected",
                        "light: [small]", "auto: [small]", "tiers.auto: 'auto' is reserved"),
                change("a tier named like a model is rejected",
                        "light: [small]", "small: [small]", "tiers.small: 'small' is both a tier and a model id"),
                change("a tier that is a single value instead of a list is rejected",
                        "light: [small]", "light: small", "tiers.light: expected a list, got \"small\""),
                change("a default tier that is not a tier is rejected",
                        "default_tier: mid", "default_tier: medium",
                        "default_tier: unknown tier 'medium' (tiers: frontier, mid, light)"),
                // keys
                removeSection("a config without keys is rejected", "keys", "keys: at least one key is required"),
                change("a key without a name is rejected",
                        "  - name: ops\n", "  -\n", "keys[1].name: required"),
                change("two keys with one name are rejected",
                        "  - name: ops", "  - name: build-bot", "keys[1].name: duplicate name 'build-bot' (also keys[0])"),
                change("a key without a role is rejected",
                        "    role: admin\n", "", "keys[1].role: required (one of: loop, finance, admin)"),
                change("an unknown role is rejected",
                        "    role: admin", "    role: root", "keys[1].role: unknown role 'root' (one of: loop, finance, admin)"),
                change("a key with neither key nor sha256 is rejected",
                        "    key: bot-key-0123456789abcdef\n", "", "keys[0]: needs one of key or sha256"),
                change("a key with both key and sha256 is rejected",
                        "    role: admin", "    role: admin\n    key: ops-key-0123456789abcdef",
                        "keys[1]: set key or sha256, not both"),
                change("a raw key shorter than 16 characters is rejected",
                        "key: bot-key-0123456789abcdef", "key: short-key", "keys[0].key: must be at least 16 characters"),
                change("a sha256 that is not 64 hex characters is rejected",
                        "sha256: 16ba5484", "sha256: zz", "keys[1].sha256: must be 64 hexadecimal characters"),
                change("two keys with the same hash are rejected",
                        "key: bot-key-0123456789abcdef", "key: ops-key-0123456789abcdef",
                        "keys[1].sha256: same key as keys[0]"),
                change("loop patterns on a non-loop key are rejected",
                        "    role: admin", "    role: admin\n    loops: [\"x-*\"]", "keys[1].loops: only allowed for role loop"),
                change("an empty loop pattern is rejected",
                        "loops: [\"build-*\"]", "loops: [\"build-*\", \"\"]", "keys[0].loops[1]: must not be empty"),
                change("an empty list of loop patterns is rejected",
                        "loops: [\"build-*\"]", "loops: []", "keys[0].loops: must list at least one loop pattern"),
                change("an unknown key field is rejected",
                        "    role: admin", "    role: admin\n    rol: admin",
                        "keys[1].rol: unknown field 'rol' (expected one of: name, role, key, sha256, loops)"));
    }

    @Test
    void theBaseConfigIsValid() {
        GatewayConfig config = ConfigLoader.parse(BASE, Map.of());
        assertEquals(2, config.providers().size());
        assertEquals(2, config.keys().size());
    }

    @Test
    void theBaseConfigPassesConfigCheck() throws IOException {
        Path file = write(BASE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = LoopgateCli.newCommandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("config", "check", file.toString());

        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().contains("ok (2 providers, 2 models, tiers frontier/mid/light, 2 keys)"), out.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigIsReportedWithItsPath(Case bad) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(bad.yaml(), Map.of()));

        assertTrue(e.problems().stream().anyMatch(problem -> problem.startsWith(bad.expected())),
                () -> "expected a problem starting with\n  " + bad.expected() + "\nbut got\n  " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}, and config check exits with 2")
    @MethodSource("badConfigs")
    void badConfigMakesConfigCheckExitWithTwo(Case bad) throws IOException {
        assertNull(System.getenv(UNSET_VARIABLE), UNSET_VARIABLE + " must not be set");
        Path file = write(bad.yaml());
        StringWriter err = new StringWriter();
        CommandLine cli = LoopgateCli.newCommandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("config", "check", file.toString());

        assertEquals(LoopgateCli.EXIT_BAD_CONFIG, exit, err.toString());
        assertTrue(err.toString().contains(bad.expected()),
                () -> "expected the error output to contain\n  " + bad.expected() + "\nbut got\n" + err);
    }

    private Path write(String yaml) throws IOException {
        Path file = Files.createTempFile(dir, "gateway", ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** The base config with {@code from}, which must occur exactly once, replaced by {@code to}. */
    private static Case change(String description, String from, String to, String expected) {
        int at = BASE.indexOf(from);
        if (at < 0 || BASE.indexOf(from, at + 1) >= 0) {
            throw new IllegalArgumentException("'" + from + "' must occur exactly once in the base config");
        }
        return new Case(description, BASE.replace(from, to), expected);
    }

    /** The base config changed in two places, for a rule that needs both (say, a type and a field of it). */
    private static Case change(String description, String from, String to, String from2, String to2, String expected) {
        Case first = change(description, from, to, expected);
        String yaml = first.yaml();
        int at = yaml.indexOf(from2);
        if (at < 0 || yaml.indexOf(from2, at + 1) >= 0) {
            throw new IllegalArgumentException("'" + from2 + "' must occur exactly once in the changed config");
        }
        return new Case(description, yaml.replace(from2, to2), expected);
    }

    /** The base config without one top-level section. */
    private static Case removeSection(String description, String section, String expected) {
        Matcher matcher = Pattern.compile("(?ms)^" + section + ":.*?(?=^\\S|\\z)").matcher(BASE);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no section " + section);
        }
        return new Case(description, matcher.replaceFirst(""), expected);
    }

    private static Case whole(String description, String yaml, String expected) {
        return new Case(description, yaml, expected);
    }
}
