package dev.loopgate.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.wire.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reload}: asks a running gateway to read its gateway.yaml again ({@code POST
 * /admin/config/reload}) and prints what changed; exits 2 with every problem when the file
 * is invalid (the gateway keeps running on the config it had).
 */
@Command(name = "reload", description = "Make a running gateway read its gateway.yaml again.")
final class ReloadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080",
            description = "the running gateway (default: ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--key-env", paramLabel = "VAR", defaultValue = "LOOPGATE_ADMIN_KEY",
            description = "the environment variable holding an admin key (default: ${DEFAULT-VALUE})")
    String keyVariable;

    /** Where the key is read from (tests give their own). */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String key = environment.get(keyVariable);
        if (key == null || key.isBlank()) {
            err.println("reload needs an admin key in $" + keyVariable);
            return 1;
        }
        HttpRequest request = HttpRequest.newBuilder(url.resolve("/admin/config/reload"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("cannot reach the gateway at " + url + ": " + e.getMessage());
            return 1;
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            err.println("the gateway answered " + response.statusCode() + ": " + response.body());
            return 1;
        }
        if (response.statusCode() == 200) {
            out.println("reloaded; changed: " + list(body.path("changed")));
            if (!body.path("needs_restart").isEmpty()) {
                out.println("kept until a restart: " + list(body.path("needs_restart")));
            }
            return 0;
        }
        JsonNode error = body.path("error");
        err.println(error.path("message").asText(response.body()));
        if ("config".equals(error.path("param").asText())) {
            error.path("problems").forEach(problem -> err.println("  " + problem.asText()));
            return LoopgateCli.EXIT_BAD_CONFIG;
        }
        return 1;
    }

    private static String list(JsonNode array) {
        if (array.isEmpty()) {
            return "nothing";
        }
        StringBuilder text = new StringBuilder();
        array.forEach(item -> text.append(text.length() == 0 ? "" : ", ").append(item.asText()));
        return text.toString();
    }
}
