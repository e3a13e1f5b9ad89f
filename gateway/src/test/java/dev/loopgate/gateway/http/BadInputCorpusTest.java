package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.RawHttp;
import io.vertx.core.http.HttpMethod;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of what a careless or hostile client sends to {@code /v1/*}, {@code /admin/*} and
 * {@code /reports/*}: wrong types, huge numbers and overflows, deep nesting, duplicate keys,
 * invalid UTF-8, NUL bytes, bad framing, oversized heads, odd headers. Every case is answered
 * with a 4xx in OpenAI's error shape (the shape of every dialect served here), none with a 5xx,
 * and the gateway is healthy afterwards.
 */
class BadInputCorpusTest {
    static final String CHAT = "/v1/chat/completions";
    static final String EMBEDDINGS = "/v1/embeddings";
    static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    static final String GOOD_CHAT = "{\"model\":\"auto\"," + MESSAGES + "}";
    static final int MAX_BODY = 64 * 1024;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD.replace(
            "max_body_bytes: 1024", "max_body_bytes: " + MAX_BODY), "primary");

    /** One bad request over HTTP: method, path, body (null for none), key and header changes. */
    record Case(HttpMethod method, String path, String body, UnaryOperator<GatewayRequest> change) {
    }

    static Stream<Named<Case>> httpCases() {
        List<Named<Case>> cases = new ArrayList<>();
        // chat: each field the gateway reads, with values of the wrong type or out of range
        String[][] chatFields = {
            {"model", "1", "[]", "{}", "\"\"", "null", "true", "\"   \""},
            {"messages", "\"hi\"", "{}", "[]", "[1]", "[[]]", "null", "[{\"role\":1,\"content\":\"x\"}]",
                "[{\"role\":\"user\"}]", "[{\"role\":\"user\",\"content\":5}]", "[{\"role\":\"user\",\"content\":{}}]"},
            {"max_tokens", "0", "-1", "1.5", "\"100\"", "true", "[]", "1e400", "9223372036854775808", "2147483648",
                "-9223372036854775809", "1e18"},
            {"max_completion_tokens", "0", "-5", "2.5", "\"x\"", "{}", "99999999999999999999"},
            {"n", "0", "-1", "129", "1e9", "\"2\"", "2.5", "18446744073709551616"},
            {"best_of", "0", "1000", "\"3\""},
            {"stream", "\"true\"", "1", "[]", "{}"},
            {"tools", "\"x\"", "{}", "1"},
            {"metadata", "[]", "\"x\"", "1"},
            {"stream_options", "\"x\"", "[]", "1"},
            {"response_format", "1", "\"json\"", "[]"},
        };
        for (String[] field : chatFields) {
            for (int i = 1; i < field.length; i++) {
                String body = field[0].equals("messages") || field[0].equals("model")
                        ? "{" + (field[0].equals("model") ? "\"model\":" + field[i] + "," + MESSAGES
                                : "\"model\":\"auto\",\"messages\":" + field[i]) + "}"
                        : "{\"model\":\"auto\",\"" + field[0] + "\":" + field[i] + "," + MESSAGES + "}";
                cases.add(chat("chat " + field[0] + "=" + field[i], body));
            }
        }
        // chat: the body itself
        cases.add(chat("empty body", ""));
        cases.add(chat("whitespace body", "   \n"));
        cases.add(chat("array body", "[" + GOOD_CHAT + "]"));
        cases.add(chat("string body", "\"hi\""));
        cases.add(chat("number body", "1e400"));
        cases.add(chat("null body", "null"));
        cases.add(chat("truncated JSON", "{\"model\":\"auto\",\"messages\":[{\"role\""));
        cases.add(chat("trailing text", GOOD_CHAT + "x"));
        cases.add(chat("two objects", GOOD_CHAT + GOOD_CHAT));
        cases.add(chat("duplicate model key", "{\"model\":\"auto\",\"model\":\"big\"," + MESSAGES + "}"));
        cases.add(chat("duplicate messages key", "{\"model\":\"auto\"," + MESSAGES + "," + MESSAGES + "}"));
        cases.add(chat("single quotes", "{'model':'auto'}"));
        cases.add(chat("comments", "{/* c */\"model\":\"auto\"," + MESSAGES + "}"));
        cases.add(chat("NaN literal", "{\"model\":\"auto\",\"temperature\":NaN," + MESSAGES + "}"));
        cases.add(chat("unescaped newline in string", "{\"model\":\"au\nto\"," + MESSAGES + "}"));
        cases.add(chat("raw NUL in a string", "{\"model\":\"au\u0000to\"," + MESSAGES + "}"));
        cases.add(chat("lone surrogate escape in model", "{\"model\":\"\\ud800\"," + MESSAGES + "}"));
        cases.add(chat("unknown model", "{\"model\":\"gpt-unknown\"," + MESSAGES + "}"));
        cases.add(chat("nesting 2000 deep", "{\"model\":\"auto\",\"x\":" + "[".repeat(2000) + "]".repeat(2000) + "," + MESSAGES + "}"));
        cases.add(chat("nesting 5000 objects deep", "{\"model\":\"auto\",\"x\":" + "{\"a\":".repeat(5000) + "1"
                + "}".repeat(5000) + "," + MESSAGES + "}"));
        cases.add(chat("body over the limit", "{\"model\":\"auto\",\"x\":\"" + "a".repeat(MAX_BODY) + "\"," + MESSAGES + "}"));
        cases.add(chat("number with 5000 digits as max_tokens", "{\"model\":\"auto\",\"max_tokens\":" + "9".repeat(5000)
                + "," + MESSAGES + "}"));
        // chat: keys and loop headers
        cases.add(named("chat without a key", HttpMethod.POST, CHAT, GOOD_CHAT, GatewayRequest::noKey));
        cases.add(named("chat with a wrong key", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.key("lg-wrong")));
        cases.add(named("chat with an empty bearer", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.noKey().header("Authorization", "Bearer ")));
        cases.add(named("chat with basic auth", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.noKey().header("Authorization", "Basic dXNlcjpwYXNz")));
        cases.add(named("chat with a finance key", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.key(GatewayHarness.FINANCE_KEY)));
        cases.add(named("chat for a loop outside the key's globs", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.key(GatewayHarness.BUILD_KEY).loop("deploy-1")));
        for (String loop : List.of("a b", "", "x".repeat(300), "loop;x", "ü-loop", "loop\tid", "*")) {
            cases.add(named("chat with X-Loop-Id '" + abbreviate(loop) + "'", HttpMethod.POST, CHAT, GOOD_CHAT,
                    r -> r.loop(loop)));
        }
        cases.add(named("chat with a bad X-Loop-Step", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.header("X-Loop-Step", "-1")));
        cases.add(named("chat with X-Loop-Step overflowing", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.header("X-Loop-Step", "99999999999999999999")));
        cases.add(named("GET chat", HttpMethod.GET, CHAT, null, r -> r));
        cases.add(named("DELETE chat", HttpMethod.DELETE, CHAT, null, r -> r));
        cases.add(named("unknown /v1 path", HttpMethod.POST, "/v1/completions", GOOD_CHAT, r -> r));
        // embeddings
        for (String input : List.of("null", "1", "{}", "[]", "[{}]", "[true]", "[null]")) {
            cases.add(named("embeddings input=" + input, HttpMethod.POST, EMBEDDINGS,
                    "{\"model\":\"embed\",\"input\":" + input + "}", r -> r));
        }
        cases.add(named("embeddings without input", HttpMethod.POST, EMBEDDINGS, "{\"model\":\"embed\"}", r -> r));
        cases.add(named("embeddings without model", HttpMethod.POST, EMBEDDINGS, "{\"input\":\"x\"}", r -> r));
        // admin: a loop's budget
        String budget = "/admin/loops/corpus-loop/budget";
        for (String override : List.of("{\"usd\":\"1e400\"}", "{\"usd\":1e20}", "{\"usd\":1e400}", "{\"usd\":-1}",
                "{\"usd\":0}", "{\"usd\":\"abc\"}", "{\"usd\":true}", "{\"usd\":[]}", "{\"usd\":9007199255}",
                "{\"tokens\":1.5}", "{\"tokens\":-1}", "{\"tokens\":1e30}", "{\"tokens\":\"10\"}",
                "{\"tokens\":9223372036854775807}", "{\"steps\":0}", "{\"steps\":18446744073709551616}",
                "{\"wall_clock_seconds\":18446744073709552}", "{\"wall_clock_seconds\":4611686018427387904}",
                "{\"wall_clock_seconds\":0}", "{\"wall_clock_seconds\":400000000}", "{\"period\":\"week\"}",
                "{\"period\":1}", "{\"usd\":1,\"colour\":\"red\"}", "[]", "\"x\"", "{", "null")) {
            cases.add(admin("budget " + override, HttpMethod.PUT, budget, override));
        }
        cases.add(admin("budget for a bad loop id", HttpMethod.PUT, "/admin/loops/a%20b/budget", "{\"usd\":1}"));
        cases.add(named("budget with a loop key", HttpMethod.PUT, budget, "{\"usd\":1}", r -> r));
        cases.add(named("budget with a finance key", HttpMethod.PUT, budget, "{\"usd\":1}",
                r -> r.key(GatewayHarness.FINANCE_KEY)));
        cases.add(named("budget without a key", HttpMethod.PUT, budget, "{\"usd\":1}", GatewayRequest::noKey));
        // admin: pause, resume, rules
        cases.add(admin("resume without a reason", HttpMethod.POST, "/admin/loops/corpus-loop/resume", "{}"));
        cases.add(admin("pause with a non-object body", HttpMethod.POST, "/admin/loops/corpus-loop/pause", "[1]"));
        cases.add(admin("rules that are not YAML", HttpMethod.PUT, "/admin/rules", "{\"rules\":\"- [\"}"));
        cases.add(admin("rules of the wrong type", HttpMethod.PUT, "/admin/rules", "{\"rules\":5}"));
        cases.add(admin("validate nothing", HttpMethod.POST, "/admin/rules/validate", "{}"));
        cases.add(admin("explain without a call", HttpMethod.POST, "/admin/rules/explain", "{}"));
        cases.add(admin("rules version that does not exist", HttpMethod.GET, "/admin/rules/versions/999999", null));
        cases.add(admin("rules version that is not a number", HttpMethod.GET, "/admin/rules/versions/abc", null));
        cases.add(admin("rules version overflowing", HttpMethod.GET, "/admin/rules/versions/99999999999999999999", null));
        cases.add(admin("rollback to a version overflowing", HttpMethod.POST, "/admin/rules/rollback/99999999999999999999", "{}"));
        String traffic = "{\"loop_id\":\"l\",\"model\":\"auto\",\"prompt_tokens\":%s}";
        for (String tokens : List.of("1e18", "-1", "1.5", "\"x\"", "9223372036854775807")) {
            cases.add(admin("simulate prompt_tokens " + tokens, HttpMethod.POST, "/admin/rules/simulate",
                    "{\"rules\":[],\"traffic\":[" + traffic.formatted(tokens) + "]}"));
        }
        cases.add(admin("simulate completion_tokens 1e18", HttpMethod.POST, "/admin/rules/simulate",
                "{\"rules\":[],\"traffic\":[{\"loop_id\":\"l\",\"model\":\"auto\",\"completion_tokens\":1000000000000000000}]}"));
        for (String to : List.of("+1000000000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "10000-01-01T00:00:00Z",
                "nonsense")) {
            cases.add(admin("simulate recorded.to " + to, HttpMethod.POST, "/admin/rules/simulate",
                    "{\"rules\":[],\"recorded\":{\"to\":\"" + to + "\"}}"));
        }
        cases.add(admin("simulate traffic not an array", HttpMethod.POST, "/admin/rules/simulate",
                "{\"rules\":[],\"traffic\":\"x\"}"));
        cases.add(admin("unknown admin path", HttpMethod.GET, "/admin/nothing-here", null));
        // reports
        for (String query : List.of("to=%2B1000000000-01-01T00:00:00Z", "from=-1000000000-01-01T00:00:00Z",
                "to=%2B999999999-12-31T23:59:59Z", "from=-999999999-01-01T00:00:00Z", "to=10000-01-01",
                "from=2026-13-01", "from=2026-02-30", "to=yesterday", "group_by=colour", "group_by=loop,colour",
                "from=2026-11-02&to=2026-11-01", "to=2026-11-01T25:00:00Z", "from=0000-00-00")) {
            cases.add(named("spend report " + query, HttpMethod.GET, "/reports/spend?" + query, null,
                    r -> r.key(GatewayHarness.FINANCE_KEY)));
        }
        cases.add(named("loop report for a bad loop id", HttpMethod.GET, "/reports/loops/a%20b", null,
                r -> r.key(GatewayHarness.FINANCE_KEY)));
        cases.add(named("loop report with a bad window", HttpMethod.GET,
                "/reports/loops/x?to=%2B1000000000-01-01T00:00:00Z", null, r -> r.key(GatewayHarness.FINANCE_KEY)));
        cases.add(named("spend report with a loop key", HttpMethod.GET, "/reports/spend", null, r -> r));
        cases.add(named("spend report without a key", HttpMethod.GET, "/reports/spend", null, GatewayRequest::noKey));
        cases.add(named("POST to a report", HttpMethod.POST, "/reports/spend", "{}", r -> r.key(GatewayHarness.FINANCE_KEY)));
        return cases.stream();
    }

    static Stream<Named<byte[]>> rawCases() {
        String key = "Authorization: Bearer " + GatewayHarness.LOOP_KEY;
        List<Named<byte[]>> cases = new ArrayList<>();
        byte[] badUtf8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        cases.add(Named.of("invalid UTF-8 in the body", withBody(RawHttp.head("POST", CHAT, key,
                "Content-Type: application/json", "Content-Length: %d"), "{\"model\":\"", badUtf8, "\"," + MESSAGES + "}")));
        cases.add(Named.of("invalid UTF-8 in an admin body", withBody(RawHttp.head("PUT", "/admin/loops/x/budget",
                "Authorization: Bearer " + GatewayHarness.ADMIN_KEY, "Content-Length: %d"), "{\"period\":\"", badUtf8, "\"}")));
        cases.add(Named.of("a NUL byte before the body", withBody(RawHttp.head("POST", CHAT, key, "Content-Length: %d"),
                "\u0000", new byte[0], GOOD_CHAT)));
        cases.add(raw("bad chunk size", RawHttp.head("POST", CHAT, key, "Transfer-Encoding: chunked") + "zz\r\n{}\r\n0\r\n\r\n"));
        cases.add(raw("chunk longer than declared", RawHttp.head("POST", CHAT, key, "Transfer-Encoding: chunked")
                + "2\r\n{\"model\":1}\r\n0\r\n\r\n"));
        cases.add(raw("two Content-Lengths", RawHttp.head("POST", CHAT, key, "Content-Length: 2", "Content-Length: 3") + "{}"));
        cases.add(raw("negative Content-Length", RawHttp.head("POST", CHAT, key, "Content-Length: -1") + "{}"));
        cases.add(raw("Content-Length not a number", RawHttp.head("POST", CHAT, key, "Content-Length: abc") + "{}"));
        cases.add(raw("Content-Length and chunked", RawHttp.head("POST", CHAT, key, "Content-Length: 2",
                "Transfer-Encoding: chunked") + "2\r\n{}\r\n0\r\n\r\n"));
        cases.add(raw("header without a colon", "GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n"));
        cases.add(raw("garbage request line", "\u0001\u0002\u0003 nonsense\r\n\r\n"));
        // (an unsupported HTTP version is the one 5xx a client can cause: 505, see ClientLimitsTest)
        cases.add(raw("request line of 20 KB", "GET /v1/models?" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        cases.add(raw("headers of 40 KB", RawHttp.head("GET", "/v1/models", key, "X-Filler: " + "b".repeat(40_000))));
        cases.add(raw("a NUL byte in a header", RawHttp.head("GET", "/v1/models", key, "X-Odd: a\u0000b")));
        cases.add(raw("a path with a NUL escape", RawHttp.head("GET", "/admin/loops/a%00b", "Authorization: Bearer "
                + GatewayHarness.ADMIN_KEY)));
        cases.add(raw("a declared body over the limit", RawHttp.head("POST", CHAT, key, "Content-Length: 999999999") + "{"));
        cases.add(raw("an expectation not understood", RawHttp.head("POST", CHAT, key, "Expect: 200-ok",
                "Content-Length: 2") + "{}"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("httpCases")
    void everyBadRequestIsA4xxInTheCallersShape(Case bad) {
        GatewayRequest request = gateway.request(bad.method(), bad.path());
        if (bad.body() != null) {
            request.body(bad.body());
        }
        var response = bad.change().apply(request).send();
        assertTrue(response.status() >= 400 && response.status() < 500, response::toString);
        assertErrorShape(response.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawCases")
    void everyMalformedMessageIsA4xxInTheCallersShape(byte[] message) {
        try (RawHttp client = RawHttp.connect(gateway.port())) {
            client.send(message);
            RawHttp.Answer answer = client.read();
            assertTrue(answer.status() >= 400 && answer.status() < 500, answer.head());
            assertErrorShape(answer.body());
        }
    }

    @Test
    void theCorpusHasAtLeast150Cases() {
        assertTrue(httpCases().count() + rawCases().count() >= 150, "cases: " + (httpCases().count() + rawCases().count()));
    }

    @AfterAll
    static void theGatewayIsHealthyAfterwards() {
        assertEquals(200, gateway.request(HttpMethod.GET, "/healthz").noKey().send().status());
        gateway.resetUpstreams();
        assertEquals(200, gateway.post(CHAT, GOOD_CHAT).send().status());
    }

    private static void assertErrorShape(String body) {
        JsonNode error = Fixtures.parse(body).path("error");
        assertTrue(error.path("message").isTextual(), body);
        assertTrue(error.path("type").isTextual(), body);
        assertTrue(error.path("code").isTextual(), body);
        assertFalse(body.contains("Exception") || body.contains("\tat "), body);
    }

    private static Named<Case> chat(String name, String body) {
        return named(name, HttpMethod.POST, CHAT, body, r -> r);
    }

    private static Named<Case> admin(String name, HttpMethod method, String path, String body) {
        return named(name, method, path, body, r -> r.key(GatewayHarness.ADMIN_KEY));
    }

    private static Named<Case> named(String name, HttpMethod method, String path, String body,
            UnaryOperator<GatewayRequest> change) {
        return Named.of(abbreviate(name), new Case(method, path, body, change));
    }

    private static Named<byte[]> raw(String name, String message) {
        return Named.of(name, message.getBytes(StandardCharsets.UTF_8));
    }

    /** A head whose Content-Length placeholder is filled in for the body made of the given parts. */
    private static byte[] withBody(String head, String before, byte[] middle, String after) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(middle);
        body.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(head.formatted(body.size()).getBytes(StandardCharsets.UTF_8));
        message.writeBytes(body.toByteArray());
        return message.toByteArray();
    }

    private static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }
}
