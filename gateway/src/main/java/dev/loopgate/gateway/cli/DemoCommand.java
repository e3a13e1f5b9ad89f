package dev.loopgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loopgate.gateway.audit.AuditStore;
import dev.loopgate.gateway.audit.ReportViews;
import dev.loopgate.gateway.audit.SpendQuery;
import dev.loopgate.gateway.audit.SpendReport;
import dev.loopgate.gateway.audit.store.AuditStores;
import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import dev.loopgate.gateway.http.Gateway;
import dev.loopgate.gateway.wire.Json;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code demo}: starts the gateway on built-in simulated providers and drives a short
 * scripted loop through its real HTTP API, printing where each call went and what it
 * cost. Needs nothing installed and spends nothing.
 */
@Command(name = "demo", description = "Run a scripted loop through a gateway on simulated providers.")
final class DemoCommand implements Callable<Integer> {
    private static final String KEY_VARIABLE = "LOOPGATE_DEMO_KEY";
    private static final String DIR_VARIABLE = "LOOPGATE_DEMO_DIR";
    private static final String ADMIN_KEY_VARIABLE = "LOOPGATE_DEMO_ADMIN_KEY";
    private static final String LOOP = "demo-refactor";

    @Spec
    CommandSpec spec;

    @Option(names = "--keep-running", description = "keep serving after the script, to try your own client")
    boolean keepRunning;

    /** One scripted call: what the loop sends and the status it expects back. */
    private record Step(String label, String role, String path, String body, int expectedStatus) {
    }

    @Override
    public Integer call() throws Exception {
        // The table is the demo's output; the gateway's own log lines would only interleave with it.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        PrintWriter out = spec.commandLine().getOut();
        String key = "lg-demo-" + HexFormat.of().formatHex(randomBytes());
        Path dir = Files.createTempDirectory("loopgate-demo");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(KEY_VARIABLE, key);
        String adminKey = "lg-demo-admin-" + HexFormat.of().formatHex(randomBytes());
        env.put(ADMIN_KEY_VARIABLE, adminKey);
        env.put(DIR_VARIABLE, dir.toString());
        GatewayConfig config = ConfigLoader.parse(demoConfig(), env);
        Vertx vertx = Vertx.vertx();
        try {
            Gateway gateway = Gateway.start(vertx, config, 1).await(30, TimeUnit.SECONDS);
            String base = "http://127.0.0.1:" + gateway.port();
            out.printf("Loopgate demo: gateway on %s/v1 with simulated providers; loop '%s'%n%n", base, LOOP);
            boolean allAsExpected = runScript(out, base, key);
            if (keepRunning) {
                out.printf("%nServing on %s/v1 — API key: %s (loops demo-*).%n", base, key);
                out.printf("Console: %s/console/ — admin key: %s. Ctrl-C to stop.%n", base, adminKey);
                out.flush();
                Thread.currentThread().join();
            }
            gateway.close().await(10, TimeUnit.SECONDS);
            printSpend(out, config);
            return allAsExpected ? 0 : 1;
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    private boolean runScript(PrintWriter out, String base, String key) throws IOException, InterruptedException {
        List<Step> script = List.of(
                new Step("plan the work", "planner", "/v1/chat/completions",
                        chat("auto", "Plan a refactor of the billing module.", false), 200),
                new Step("write a patch", "maker", "/v1/chat/completions",
                        chat("auto", "Write the patch for step 1.", false), 200),
                new Step("stream the next patch", "maker", "/v1/chat/completions",
                        chat("mid", "Write the patch for step 2.", true), 200),
                new Step("check the patches", "checker", "/v1/chat/completions",
                        chat("auto", "Review both patches for bugs.", false), 200),
                new Step("summarise (light falls back)", "summarizer", "/v1/chat/completions",
                        chat("auto", "Summarise the change in one line.", false), 200),
                new Step("embed the summary", "indexer", "/v1/embeddings",
                        "{\"model\":\"embed-sim\",\"input\":\"billing refactor summary\"}", 200),
                new Step("ask for a model not configured", "maker", "/v1/chat/completions",
                        chat("gpt-x", "Hello?", false), 400));
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        out.printf("%-4s %-30s %-10s %-22s %-8s %-13s %6s %7s %11s%n",
                "step", "call", "role", "rule", "tier", "model", "in tok", "out tok", "cost USD");
        boolean allAsExpected = true;
        int step = 0;
        for (Step s : script) {
            step++;
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + s.path()))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json")
                    .header("X-Loop-Id", LOOP)
                    .header("X-Loop-Run", "run-1")
                    .header("X-Loop-Step", Integer.toString(step))
                    .header("X-Loop-Role", s.role())
                    .POST(HttpRequest.BodyPublishers.ofString(s.body()))
                    .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            allAsExpected &= response.statusCode() == s.expectedStatus();
            out.println(DemoRow.of(step, s.label(), s.role(), response));
        }
        out.printf("%nEvery call went through the real HTTP API; %s.%n",
                allAsExpected ? "each answered as expected" : "SOME CALLS DID NOT ANSWER AS EXPECTED");
        return allAsExpected;
    }

    /** What finance sees afterwards: the loop's spend per tier, read back from the audit store. */
    private static void printSpend(PrintWriter out, GatewayConfig config) {
        try (AuditStore store = AuditStores.open(config.audit().url(), "demo-report")) {
            long now = System.currentTimeMillis();
            SpendReport report = store.spend(new SpendQuery(now - 3_600_000L, now + 60_000L,
                    List.of(SpendQuery.Dimension.LOOP, SpendQuery.Dimension.TIER)));
            out.printf("%nSpend by tier, from the audit store (loopgate report --group-by loop,tier):%n%s",
                    ReportViews.table(report));
            out.printf("The audit chain %s.%n", store.verify().intact() ? "verifies intact" : "is BROKEN");
        }
    }

    private static String chat(String model, String prompt, boolean stream) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("model", model).put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        return body.toString();
    }

    private static String demoConfig() throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/gateway.yaml")) {
            if (in == null) {
                throw new IOException("the demo configuration is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** One printed line of the demo table, read from a call's answer. */
    private static final class DemoRow {
        static String of(int step, String label, String role, HttpResponse<String> response) {
            String tier = response.headers().firstValue("x-loopgate-tier").orElse("-");
            String model = response.headers().firstValue("x-loopgate-model").orElse("-");
            String cost = response.headers().firstValue("x-loopgate-cost-usd").orElse("-");
            String rule = response.headers().firstValue("x-loopgate-rule").orElse("-");
            long in = 0;
            long outTokens = 0;
            String body = response.body();
            if (response.statusCode() != 200) {
                return String.format("%-4d %-30s %-10s %-22s rejected: HTTP %d %s", step, label, role, rule,
                        response.statusCode(), errorCode(body));
            }
            if (body.startsWith("data:")) {
                cost = "(streamed)";
                for (String line : body.split("\n")) {
                    if (line.startsWith("data: {") && line.contains("\"usage\":{")) {
                        JsonNode usage = parse(line.substring(6)).path("usage");
                        in = usage.path("prompt_tokens").asLong();
                        outTokens = usage.path("completion_tokens").asLong();
                    }
                }
            } else {
                JsonNode usage = parse(body).path("usage");
                in = usage.path("prompt_tokens").asLong();
                outTokens = usage.path("completion_tokens").asLong();
            }
            return String.format("%-4d %-30s %-10s %-22s %-8s %-13s %6d %7d %11s", step, label, role, rule, tier, model,
                    in, outTokens, cost);
        }

        private static String errorCode(String body) {
            return parse(body).path("error").path("code").asText("?");
        }

        private static JsonNode parse(String json) {
            try {
                return Json.MAPPER.readTree(json);
            } catch (IOException e) {
                return Json.MAPPER.missingNode();
            }
        }
    }
}
