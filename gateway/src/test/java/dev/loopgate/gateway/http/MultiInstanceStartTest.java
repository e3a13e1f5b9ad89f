package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.loopgate.gateway.config.ConfigLoader;
import dev.loopgate.gateway.config.GatewayConfig;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Regression: several server instances asked to listen on port 0 failed with "Address already in use". */
class MultiInstanceStartTest {
    @TempDir
    Path dir;

    @Test
    void severalInstancesOnPortZeroShareOneFreePort() throws Exception {
        GatewayConfig config = ConfigLoader.parse("""
                server: { host: 127.0.0.1, port: 0 }
                providers: { sim: { type: simulated } }
                models: { m: { provider: sim, name: m, input: 1, output: 1 } }
                tiers: { mid: [m] }
                keys: [ { name: bot, role: loop, key: "0123456789abcdef0123" } ]
                audit: { url: "jdbc:sqlite:%s", spool_dir: "%s" }
                """.formatted(dir.resolve("audit.db"), dir.resolve("spool")), Map.of());
        Vertx vertx = Vertx.vertx();
        try {
            Gateway gateway = Gateway.start(vertx, config, 3).await(30, TimeUnit.SECONDS);
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.port() + "/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            gateway.close().await(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
        assertEquals(true, Files.exists(dir.resolve("audit.db")));
    }
}
