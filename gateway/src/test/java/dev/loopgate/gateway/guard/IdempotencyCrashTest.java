package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.idempotency.IdempotencyClaim;
import dev.loopgate.budgets.idempotency.IdempotencyStore;
import dev.loopgate.budgets.idempotency.IdempotencyStores;
import dev.loopgate.budgets.redis.RedisEndpoint;
import dev.loopgate.budgets.redis.RedisLink;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica that claimed an {@code Idempotency-Key} and died before its call ended (kill -9 100 ms
 * in) must not hold the key for long: its claim lapses within its short lease, the client's retry
 * then runs once through another replica, is charged once, and later repeats get that answer.
 */
class IdempotencyCrashTest {
    static final String REDIS_URL = "redis://127.0.0.1:6379";
    static final String NAMESPACE = "test-idem-crash-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    static final String CHAT = """
            {"model":"small","messages":[{"role":"user","content":"Write the migration."}]}""";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD
            + "redis: { url: \"" + REDIS_URL + "\", namespace: " + NAMESPACE + " }\n", "primary");

    static RedisLink link;
    /** The replica that crashed: same Redis namespace and lease as every replica, a claim it will never end. */
    static IdempotencyStore crashedReplica;

    @BeforeAll
    static void connect() throws Exception {
        link = RedisLink.create(RedisEndpoint.single(REDIS_URL));
        crashedReplica = IdempotencyStores.redis(link, NAMESPACE,
                IdempotencyStores.DEFAULT_TTL, IdempotencyStores.DEFAULT_LEASE).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void disconnect() {
        crashedReplica.close();
        link.shutdown();
    }

    @Test
    void idempotencyAfterACrash_theRetryRunsOnceAfterTheDeadClaimLapses() throws Exception {
        String loop = "crash-loop";
        String scope = "any-loop\n" + loop + "\nretry-1";
        IdempotencyClaim claim = crashedReplica.claim(scope, sha256(CHAT), Duration.ZERO).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertInstanceOf(IdempotencyClaim.First.class, claim, "the replica that then crashed held the key");

        // the retry waits for the call in flight (up to 30 s), sees its claim lapse (5 s), and runs it
        GatewayResponse retry = call(loop, "retry-1");
        assertEquals(200, retry.status(), retry::toString);
        assertNull(retry.header("x-loopgate-idempotent-replay"));
        assertEquals(1, gateway.upstream("primary").received().size());

        GatewayResponse again = call(loop, "retry-1");
        assertEquals("true", again.header("x-loopgate-idempotent-replay"), again::toString);
        assertEquals(retry.body(), again.body());
        assertEquals(1, gateway.upstream("primary").received().size(), "the provider is asked once");
        assertEquals(0, new BigDecimal(retry.header("x-loopgate-cost-usd")).compareTo(spent(loop)), "charged once");
    }

    private static GatewayResponse call(String loop, String key) {
        return gateway.post("/v1/chat/completions", CHAT).loop(loop).header("Idempotency-Key", key).send();
    }

    private static BigDecimal spent(String loop) {
        JsonNode status = gateway.request(HttpMethod.GET, "/admin/loops/" + loop).key(GatewayHarness.ADMIN_KEY).send().json();
        return new BigDecimal(status.path("spent_usd").asText());
    }

    private static String sha256(String body) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
    }
}
