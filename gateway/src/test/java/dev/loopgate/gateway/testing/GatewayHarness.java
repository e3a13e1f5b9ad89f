package dev.loopgate.gateway.testing;

import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.http.Gateway;
import dev.loopgate.gateway.provider.health.ProviderHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A gateway on a free port, started from YAML like an operator's, in front of real
 * {@link TestUpstream}s, with a {@link RecordingSink} and an HTTP client pointed at it.
 * One per test class, as an extension: see {@link #perClass}.
 *
 * <p>The YAML may use {@code ${NAME_URL}} and {@code ${NAME_API_KEY}} for each upstream
 * named at start (upper-cased), {@code ${CLOSED_URL}} for a port nothing listens on,
 * and the key variables of {@link #KEYS}.
 */
public final class GatewayHarness implements AutoCloseable, BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    /** A loop key that may act for any loop. */
    public static final String LOOP_KEY = "lg-test-any-loop-0001";
    /** A loop key bound to the loops {@code build-*}. */
    public static final String BUILD_KEY = "lg-test-build-bot-0002";
    /** A loop key bound to exactly one loop, {@code solo-loop}. */
    public static final String SOLO_KEY = "lg-test-solo-loop-0003";
    public static final String FINANCE_KEY = "lg-test-finance-0004";
    public static final String ADMIN_KEY = "lg-test-admin-key-0005";
    public static final String SOLO_LOOP = "solo-loop";
    /** The {@code X-Loop-Id} every request sends unless a test says otherwise. */
    public static final String DEFAULT_LOOP = "test-loop";

    public static final String KEYS = """
            keys:
              - { name: any-loop, role: loop, key: "${LOOP_KEY}" }
              - { name: build-bot, role: loop, key: "${BUILD_KEY}", loops: ["build-*"] }
              - { name: solo, role: loop, key: "${SOLO_KEY}", loops: ["solo-loop"] }
              - { name: finance, role: finance, key: "${FINANCE_KEY}" }
              - { name: ops, role: admin, key: "${ADMIN_KEY}" }
            """;

    /** Prices of the standard models, USD per million tokens, as written in {@link #STANDARD}. */
    public static final String SMALL_INPUT = "0.4";
    public static final String SMALL_CACHED_INPUT = "0.1";
    public static final String SMALL_OUTPUT = "1.6";

    /**
     * Three tiers over one OpenAI-compatible provider, {@code primary}, and a small body
     * limit so that "too large" is cheap to send.
     */
    public static final String STANDARD = """
            server: { host: 127.0.0.1, port: 0, max_body_bytes: 1024 }
            providers:
              primary: { type: openai, base_url: "${PRIMARY_URL}", api_key: "${PRIMARY_API_KEY}" }
            models:
              big:   { provider: primary, name: gpt-4.1-2025-04-14, input: 2.0, output: 8.0, cached_input: 0.5 }
              small: { provider: primary, name: gpt-4.1-mini-2025-04-14, input: 0.4, output: 1.6, cached_input: 0.1 }
              nano:  { provider: primary, name: gpt-4.1-nano-2025-04-14, input: 0.1, output: 0.4 }
              embed: { provider: primary, name: text-embedding-3-small, input: 0.02, output: 0 }
            tiers:
              frontier: [big]
              mid: [small, big]
              light: [nano]
            default_tier: mid
            rules: []
            """ + KEYS;

    private final String yaml;
    private final String[] upstreamNames;
    private Vertx vertx;
    private final Map<String, TestUpstream> upstreams = new LinkedHashMap<>();
    private RecordingSink sink;
    private Gateway gateway;
    private HttpClient client;
    private Path auditDir;
    private Clock clock = Clock.systemUTC();
    private final Map<String, String> extraEnv = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();
    private String configText;

    private GatewayHarness(String yaml, String... upstreamNames) {
        this.yaml = yaml;
        this.upstreamNames = upstreamNames.clone();
    }

    /**
     * A gateway for one test class, registered with {@code @RegisterExtension} on a static
     * field: one {@link TestUpstream} per name and the gateway on the given YAML start
     * before the class's tests, the upstreams are reset before each test, and all of it
     * stops after the class.
     */
    public static GatewayHarness perClass(String yaml, String... upstreamNames) {
        return new GatewayHarness(yaml, upstreamNames);
    }

    /** Runs the gateway on {@code clock} (budgets, breakers, audit times, report windows, provider health); call before it starts. */
    public GatewayHarness withClock(Clock clock) {
        if (gateway != null) {
            throw new IllegalStateException("the gateway has started already");
        }
        this.clock = clock;
        return this;
    }

    /** A gateway started now, for a test that needs one of its own (close it when done). */
    public static GatewayHarness started(String yaml, String... upstreamNames) {
        GatewayHarness harness = new GatewayHarness(yaml, upstreamNames);
        harness.start();
        return harness;
    }

    /** A gateway started now on {@code clock}, for a test that needs one of its own (close it when done). */
    public static GatewayHarness started(String yaml, Clock clock, String... upstreamNames) {
        GatewayHarness harness = new GatewayHarness(yaml, upstreamNames).withClock(clock);
        harness.start();
        return harness;
    }

    /** One more variable for the YAML's {@code ${NAME}} references; call before the gateway starts. */
    public GatewayHarness withEnv(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        resetUpstreams();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void start() {
        vertx = Vertx.vertx();
        try {
            env.put("LOOP_KEY", LOOP_KEY);
            env.put("BUILD_KEY", BUILD_KEY);
            env.put("SOLO_KEY", SOLO_KEY);
            env.put("FINANCE_KEY", FINANCE_KEY);
            env.put("ADMIN_KEY", ADMIN_KEY);
            env.put("CLOSED_URL", "http://127.0.0.1:" + closedPort() + "/v1");
            env.putAll(extraEnv);
            for (String name : upstreamNames) {
                TestUpstream upstream = TestUpstream.start(vertx);
                upstreams.put(name, upstream);
                String variable = name.toUpperCase(Locale.ROOT).replace('-', '_');
                env.put(variable + "_URL", upstream.baseUrl());
                env.put(variable + "_API_KEY", apiKeyOf(name));
            }
            auditDir = Files.createTempDirectory("loopgate-audit");
            configText = withAudit(yaml, auditDir);
            GatewayConfig config = ConfigLoader.parse(configText, env);
            sink = new RecordingSink();
            gateway = await(Gateway.start(vertx, config, 1, sink, clock));
            client = vertx.createHttpClient(new HttpClientOptions()
                    .setDefaultHost("127.0.0.1")
                    .setDefaultPort(gateway.port()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            upstreams.values().forEach(TestUpstream::close);
            await(vertx.close());
            throw e;
        }
    }

    /** Every gateway under test audits into a store of its own, unless the test names one. */
    private static String withAudit(String yaml, Path dir) {
        if (yaml.contains("\naudit:") || yaml.startsWith("audit:")) {
            return yaml;
        }
        return yaml + "\naudit: { url: \"jdbc:sqlite:" + dir.resolve("audit.db") + "\", spool_dir: \""
                + dir.resolve("spool") + "\" }\n";
    }

    /** The YAML the gateway started from, audit section included; with {@link #env()} it parses to the same config. */
    public String configText() {
        return configText;
    }

    /** The variables the YAML's {@code ${NAME}} references were read from. */
    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public Gateway gateway() {
        return gateway;
    }

    /** The audit store file of this gateway. */
    public Path auditDb() {
        return auditDir.resolve("audit.db");
    }

    /** The provider key the gateway sends to the named upstream. */
    public static String apiKeyOf(String upstream) {
        return "sk-" + upstream + "-upstream-secret-7f3a";
    }

    public TestUpstream upstream(String name) {
        TestUpstream upstream = upstreams.get(name);
        if (upstream == null) {
            throw new IllegalArgumentException("no upstream " + name);
        }
        return upstream;
    }

    /** Every upstream back to recorded answers with nothing received; call it before each test. */
    public void resetUpstreams() {
        upstreams.values().forEach(TestUpstream::reset);
    }

    /** The gateway's provider health breakers, to read their state. */
    /** What the loop has spent in its current period, as {@code GET /admin/loops/{id}} reports it (0 for a loop never seen). */
    public BigDecimal spentUsd(String loop) {
        return new BigDecimal(request(HttpMethod.GET, "/admin/loops/" + loop).key(ADMIN_KEY).send().json()
                .path("spent_usd").asText("0"));
    }

    public ProviderHealth providerHealth() {
        return gateway.providerHealth();
    }

    public RecordingSink sink() {
        return sink;
    }

    public int port() {
        return gateway.port();
    }

    /** {@code http://127.0.0.1:PORT}, without {@code /v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    /** A POST with the default loop key and loop headers; change them on the returned request. */
    public GatewayRequest post(String path, String body) {
        return new GatewayRequest(client, HttpMethod.POST, path).body(body);
    }

    public GatewayRequest request(HttpMethod method, String path) {
        return new GatewayRequest(client, method, path);
    }

    @Override
    public void close() {
        try {
            if (client != null) {
                await(client.close());
            }
            if (gateway != null) {
                await(gateway.close());
            }
        } finally {
            upstreams.values().forEach(TestUpstream::close);
            upstreams.clear();
            await(vertx.close());
            deleteRecursively(auditDir);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T await(Future<T> future) {
        try {
            return future.await(Poll.WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port that was free a moment ago and that nothing listens on: connecting to it is refused. */
    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
