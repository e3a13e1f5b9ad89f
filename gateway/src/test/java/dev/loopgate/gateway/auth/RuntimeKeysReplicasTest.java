package dev.loopgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.budgets.testkit.TestRedis;
import dev.loopgate.gateway.testing.FakeClock;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import io.vertx.core.http.HttpMethod;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keys made, revoked and rotated through {@code /admin/keys} on three replicas sharing one Redis:
 * a change on one is in force on the others within a second; secrets are shown once; a
 * rotation's old secret lapses after its overlap (on the replicas' clock); run-scoped keys.
 */
class RuntimeKeysReplicasTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final String CALL = """
            {"model":"small","max_tokens":16,"messages":[{"role":"user","content":"hello"}]}""";
    private static final FakeClock CLOCK = new FakeClock(Instant.parse("2026-12-03T10:00:00Z"));
    private static final String NAMESPACE = TestRedis.freshNamespace();
    private static GatewayHarness a;
    private static GatewayHarness b;
    private static GatewayHarness c;

    @BeforeAll
    static void start() {
        String yaml = GatewayHarness.STANDARD + "redis: { url: \"redis://127.0.0.1:6379\", namespace: " + NAMESPACE + " }\n";
        a = GatewayHarness.started(yaml, CLOCK, "primary");
        b = GatewayHarness.started(yaml, CLOCK, "primary");
        c = GatewayHarness.started(yaml, CLOCK, "primary");
    }

    @AfterAll
    static void stop() {
        for (GatewayHarness replica : new GatewayHarness[] {a, b, c}) {
            if (replica != null) {
                replica.close();
            }
        }
        TestRedis.single().deleteNamespace(NAMESPACE);
    }

    @Test
    void aKeyMadeOnOneReplicaWorksOnAnotherWithinASecondAndStopsWithinASecondOfItsRevocation() {
        GatewayResponse made = admin(a, HttpMethod.POST, "/admin/keys", "{\"name\":\"ci-bot\",\"loops\":[\"ci-*\"]}");
        assertEquals(201, made.status(), made.body());
        String secret = made.json().path("key").asText();
        String id = made.json().path("id").asText();
        assertTrue(secret.startsWith("lg-") && secret.length() > 30, secret);
        assertTrue(Poll.until(SECOND, () -> call(c, secret, "ci-1").status() == 200), "works on replica C within 1 s");
        assertEquals(403, call(c, secret, "prod-1").status(), "its loop globs apply");

        GatewayResponse listed = admin(b, HttpMethod.GET, "/admin/keys", null);
        assertFalse(listed.body().contains(secret), "a listing never holds a secret");
        JsonNode row = find(listed.json(), id);
        assertEquals("api", row.path("source").asText());
        assertEquals("ci-bot", row.path("name").asText());
        assertEquals("config", find(listed.json(), "config:ops").path("source").asText());

        assertEquals(200, admin(b, HttpMethod.DELETE, "/admin/keys/" + id, null).status());
        assertTrue(Poll.until(SECOND, () -> call(c, secret, "ci-1").status() == 401), "refused on C within 1 s");
        assertEquals(401, call(a, secret, "ci-1").status());
        assertEquals(404, admin(a, HttpMethod.DELETE, "/admin/keys/" + id, null).status());
        assertTrue(Poll.until(Poll.WAIT, () -> actions(a).contains("key.create") && actions(b).contains("key.revoke")),
                "made and revoked, each audited where it was done: " + actions(a) + " " + actions(b));
    }

    @Test
    void aRotatedKeysOldSecretWorksThroughTheOverlapThenStops() {
        GatewayResponse made = admin(a, HttpMethod.POST, "/admin/keys", "{\"name\":\"rotating-bot\"}");
        String id = made.json().path("id").asText();
        String old = made.json().path("key").asText();
        GatewayResponse rotated = admin(b, HttpMethod.POST, "/admin/keys/" + id + "/rotate", "{\"overlap\":\"10m\"}");
        assertEquals(200, rotated.status(), rotated.body());
        String fresh = rotated.json().path("key").asText();
        assertEquals(id, rotated.json().path("id").asText(), "the same key, a new secret");
        assertTrue(Poll.until(SECOND, () -> call(c, fresh, "any").status() == 200), "the new secret works on C within 1 s");
        assertEquals(200, call(c, old, "any").status(), "the old one still works during the overlap");

        CLOCK.advance(Duration.ofMinutes(10).plusSeconds(1));
        for (GatewayHarness replica : List.of(a, b, c)) {
            assertEquals(401, call(replica, old, "any").status(), "the old secret stops after the overlap");
            assertEquals(200, call(replica, fresh, "any").status());
        }
        assertTrue(Poll.until(Poll.WAIT, () -> actions(b).contains("key.rotate")));
    }

    @Test
    void aRunScopedKeyActsForItsOneRunUntilItsTtlAndItsOwnCapsApply() {
        GatewayResponse made = admin(a, HttpMethod.POST, "/admin/keys",
                "{\"name\":\"job-7-run\",\"loops\":[\"job-7\"],\"run\":\"r-42\",\"expires_in\":\"1h\",\"caps\":{\"rpm\":2}}");
        assertEquals(201, made.status(), made.body());
        String secret = made.json().path("key").asText();
        assertTrue(Poll.until(SECOND, () -> c.post("/v1/chat/completions", CALL).key(secret).noLoopHeader()
                .header("X-Loop-Run", "r-42").send().status() == 200), "acts for its run, its one loop named by the key");
        GatewayResponse otherRun = c.post("/v1/chat/completions", CALL).key(secret).noLoopHeader()
                .header("X-Loop-Run", "r-43").send();
        assertEquals(403, otherRun.status(), otherRun.body());
        assertEquals(200, call(c, secret, "job-7").status(), "the second call of the minute");
        assertEquals(429, call(c, secret, "job-7").status(), "its own rpm cap: 2 calls a minute, this is the third");

        CLOCK.advance(Duration.ofHours(1));
        assertEquals(401, call(c, secret, "job-7").status(), "gone after its TTL");
    }

    @Test
    void keysOfTheConfigFileCannotBeDeletedOrRotatedAndBadRequestsNameEveryProblem() {
        GatewayResponse delete = admin(a, HttpMethod.DELETE, "/admin/keys/config:any-loop", null);
        assertEquals(403, delete.status());
        assertTrue(delete.json().path("error").path("message").asText().contains("gateway.yaml"));
        assertEquals(403, admin(a, HttpMethod.POST, "/admin/keys/config:ops/rotate", "{}").status());
        assertEquals(200, call(a, GatewayHarness.LOOP_KEY, "still-here").status());

        GatewayResponse bad = admin(a, HttpMethod.POST, "/admin/keys",
                "{\"name\":\"has space\",\"role\":\"root\",\"run\":\"r-1\",\"expires_in\":\"soon\"}");
        assertEquals(400, bad.status());
        GatewayResponse taken = admin(a, HttpMethod.POST, "/admin/keys", "{\"name\":\"ops\"}");
        assertEquals(400, taken.status(), "a config key's name is taken too");
        GatewayResponse problems = admin(a, HttpMethod.POST, "/admin/keys", "{\"name\":\"x{y}\",\"role\":\"root\",\"run\":\"r\"}");
        List<String> listed = new ArrayList<>();
        problems.json().path("error").path("problems").forEach(p -> listed.add(p.asText()));
        assertEquals(3, listed.size(), listed.toString());
    }

    private static GatewayResponse call(GatewayHarness gateway, String key, String loop) {
        return gateway.post("/v1/chat/completions", CALL).key(key).loop(loop).send();
    }

    private static GatewayResponse admin(GatewayHarness gateway, HttpMethod method, String path, String body) {
        var request = gateway.request(method, path).key(GatewayHarness.ADMIN_KEY);
        if (body != null) {
            request.body(body);
        }
        return request.send();
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode row : list.path("data")) {
            if (row.path("id").asText().equals(id)) {
                return row;
            }
        }
        throw new AssertionError("no key " + id + " in " + list);
    }

    /** The admin actions in a replica's audit store. */
    private static List<String> actions(GatewayHarness gateway) {
        List<String> actions = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + gateway.auditDb());
                ResultSet rows = db.createStatement().executeQuery("SELECT action FROM audit_log WHERE action IS NOT NULL")) {
            while (rows.next()) {
                actions.add(rows.getString(1));
            }
        } catch (SQLException e) {
            return actions; // not written yet
        }
        return actions;
    }
}
