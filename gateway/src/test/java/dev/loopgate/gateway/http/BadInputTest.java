package dev.loopgate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad call, sent over HTTP to a running gateway: each is answered with the
 * right 4xx in OpenAI's error shape, never a 5xx, never a stack trace, and never
 * reaches the provider.
 */
class BadInputTest {
    static final String CHAT = "/v1/chat/completions";
    static final String EMBEDDINGS = "/v1/embeddings";
    static final String MESSAGES = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    static final String GOOD_CHAT = "{\"model\":\"auto\"," + MESSAGES + "}";

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(GatewayHarness.STANDARD, "primary");

    /** One bad call: how to send it and what must come back. */
    record BadCall(HttpMethod method, String path, String body, UnaryOperator<GatewayRequest> change, int status,
            String code, String type) {
    }

    static Stream<Arguments> badCalls() {
        Rows rows = new Rows();
        // The body
        rows.invalid("malformed JSON", CHAT, "{\"model\":\"auto\",\"messages\":[");
        rows.invalid("JSON followed by more text", CHAT, GOOD_CHAT + " {\"model\":\"big\"}");
        rows.invalid("empty body", CHAT, "");
        rows.invalid("body is a JSON array", CHAT, "[" + GOOD_CHAT + "]");
        rows.invalid("body is a JSON string", CHAT, "\"hello\"");
        rows.invalid("body is JSON null", CHAT, "null");
        rows.invalid("body repeats a key", CHAT, "{\"model\":\"auto\",\"model\":\"big\"," + MESSAGES + "}");
        rows.invalid("messages missing", CHAT, "{\"model\":\"auto\"}");
        rows.invalid("messages is a string", CHAT, "{\"model\":\"auto\",\"messages\":\"hi\"}");
        rows.invalid("messages is an object", CHAT, "{\"model\":\"auto\",\"messages\":{\"role\":\"user\"}}");
        rows.invalid("messages is empty", CHAT, "{\"model\":\"auto\",\"messages\":[]}");
        rows.invalid("a message is not an object", CHAT, "{\"model\":\"auto\",\"messages\":[\"hi\"]}");
        rows.invalid("a message has no role", CHAT, "{\"model\":\"auto\",\"messages\":[{\"content\":\"hi\"}]}");
        rows.invalid("a user message has no content", CHAT, "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\"}]}");
        rows.invalid("a system message has no content", CHAT,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"system\"},{\"role\":\"user\",\"content\":\"hi\"}]}");
        rows.invalid("n is zero", CHAT, "{\"model\":\"auto\",\"n\":0," + MESSAGES + "}");
        rows.invalid("n is a fraction", CHAT, "{\"model\":\"auto\",\"n\":1.5," + MESSAGES + "}");
        rows.invalid("best_of is too large", CHAT, "{\"model\":\"auto\",\"best_of\":1000," + MESSAGES + "}");
        rows.invalid("a message's role is a number", CHAT,
                "{\"model\":\"auto\",\"messages\":[{\"role\":1,\"content\":\"hi\"}]}");
        rows.invalid("a message's content is a number", CHAT,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":42}]}");
        rows.invalid("model missing", CHAT, "{" + MESSAGES + "}");
        rows.invalid("model is a number", CHAT, "{\"model\":42," + MESSAGES + "}");
        rows.invalid("model is null", CHAT, "{\"model\":null," + MESSAGES + "}");
        rows.invalid("model is empty", CHAT, "{\"model\":\"\"," + MESSAGES + "}");
        rows.invalid("stream is a string", CHAT, "{\"model\":\"auto\",\"stream\":\"yes\"," + MESSAGES + "}");
        rows.invalid("stream is a number", CHAT, "{\"model\":\"auto\",\"stream\":1," + MESSAGES + "}");
        rows.invalid("max_tokens is zero", CHAT, "{\"model\":\"auto\",\"max_tokens\":0," + MESSAGES + "}");
        rows.invalid("max_tokens is negative", CHAT, "{\"model\":\"auto\",\"max_tokens\":-5," + MESSAGES + "}");
        rows.invalid("max_tokens is fractional", CHAT, "{\"model\":\"auto\",\"max_tokens\":1.5," + MESSAGES + "}");
        rows.invalid("max_tokens is a string", CHAT, "{\"model\":\"auto\",\"max_tokens\":\"100\"," + MESSAGES + "}");
        rows.invalid("max_tokens overflows an int", CHAT,
                "{\"model\":\"auto\",\"max_tokens\":99999999999," + MESSAGES + "}");
        rows.invalid("max_completion_tokens is zero", CHAT,
                "{\"model\":\"auto\",\"max_completion_tokens\":0," + MESSAGES + "}");
        rows.invalid("stream_options is a string", CHAT,
                "{\"model\":\"auto\",\"stream\":true,\"stream_options\":\"usage\"," + MESSAGES + "}");
        rows.invalid("metadata is a string", CHAT, "{\"model\":\"auto\",\"metadata\":\"x\"," + MESSAGES + "}");
        rows.invalid("tools is an object", CHAT, "{\"model\":\"auto\",\"tools\":{}," + MESSAGES + "}");
        rows.invalid("embeddings without input", EMBEDDINGS, "{\"model\":\"embed\"}");
        rows.invalid("embeddings input is a number", EMBEDDINGS, "{\"model\":\"embed\",\"input\":42}");
        rows.invalid("embeddings input is an empty array", EMBEDDINGS, "{\"model\":\"embed\",\"input\":[]}");
        rows.invalid("embeddings without model", EMBEDDINGS, "{\"input\":\"text\"}");
        rows.add("body over server.max_body_bytes", HttpMethod.POST, CHAT,
                "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(2000) + "\"}]}",
                r -> r, 413, "request_too_large", "invalid_request_error");
        rows.invalid("unknown model", CHAT, "{\"model\":\"gpt-x\"," + MESSAGES + "}");
        // Who is calling
        rows.add("no Authorization header", HttpMethod.POST, CHAT, GOOD_CHAT, GatewayRequest::noKey,
                401, "invalid_api_key", "authentication_error");
        rows.add("unknown key", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.key("lg-nobody-has-this-key-9999"),
                401, "invalid_api_key", "authentication_error");
        rows.add("not a bearer key", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.header("Authorization", "Basic " + GatewayHarness.LOOP_KEY),
                401, "invalid_api_key", "authentication_error");
        rows.add("empty bearer key", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.header("Authorization", "Bearer "),
                401, "invalid_api_key", "authentication_error");
        rows.add("model list without a key", HttpMethod.GET, "/v1/models", null, GatewayRequest::noKey,
                401, "invalid_api_key", "authentication_error");
        rows.add("finance key calling a model", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.key(GatewayHarness.FINANCE_KEY), 403, "forbidden", "permission_error");
        rows.add("finance key listing models", HttpMethod.GET, "/v1/models", null,
                r -> r.key(GatewayHarness.FINANCE_KEY), 403, "forbidden", "permission_error");
        rows.add("build-* key acting for loop other", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.key(GatewayHarness.BUILD_KEY).loop("other"), 403, "forbidden", "permission_error");
        rows.add("solo-loop key acting for another loop", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.key(GatewayHarness.SOLO_KEY).loop("solo-loop-2"), 403, "forbidden", "permission_error");
        // Which loop
        rows.add("no loop id with an unbound key", HttpMethod.POST, CHAT, GOOD_CHAT,
                GatewayRequest::noLoopHeader, 400, "invalid_request", "invalid_request_error");
        rows.add("no loop id with a key bound to a glob", HttpMethod.POST, CHAT, GOOD_CHAT,
                r -> r.key(GatewayHarness.BUILD_KEY).noLoopHeader(), 400, "invalid_request", "invalid_request_error");
        rows.add("X-Loop-Step abc", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.header("X-Loop-Step", "abc"),
                400, "invalid_request", "invalid_request_error");
        rows.add("X-Loop-Step negative", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.header("X-Loop-Step", "-1"),
                400, "invalid_request", "invalid_request_error");
        rows.add("X-Loop-Id with a brace", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.loop("loop{a}"),
                400, "invalid_request", "invalid_request_error");
        rows.add("X-Loop-Id too long", HttpMethod.POST, CHAT, GOOD_CHAT, r -> r.loop("l".repeat(129)),
                400, "invalid_request", "invalid_request_error");
        rows.add("metadata.loop_id with a space", HttpMethod.POST, CHAT,
                "{\"model\":\"auto\",\"metadata\":{\"loop_id\":\"my loop\"}," + MESSAGES + "}",
                GatewayRequest::noLoopHeader, 400, "invalid_request", "invalid_request_error");
        // Where and how
        rows.add("GET /v1/chat/completions", HttpMethod.GET, CHAT, null, r -> r,
                405, "method_not_allowed", "invalid_request_error");
        rows.add("PUT /v1/embeddings", HttpMethod.PUT, EMBEDDINGS, "{}", r -> r,
                405, "method_not_allowed", "invalid_request_error");
        rows.add("POST /v1/models", HttpMethod.POST, "/v1/models", "{}", r -> r,
                405, "method_not_allowed", "invalid_request_error");
        rows.add("unknown path", HttpMethod.POST, "/v1/completions", GOOD_CHAT, r -> r,
                404, "not_found", "invalid_request_error");
        rows.add("unknown version", HttpMethod.GET, "/v2/models", null, r -> r,
                404, "not_found", "invalid_request_error");
        return rows.arguments();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCalls")
    void badCallIsRefusedWithAnOpenAiErrorAndNeverForwarded(BadCall bad) {
        GatewayRequest request = gateway.request(bad.method(), bad.path()).body(bad.body());
        GatewayResponse response = bad.change().apply(request).send();

        assertTrue(response.status() < 500, response::toString);
        assertEquals(bad.status(), response.status(), response::toString);
        assertOpenAiError(response, bad.code(), bad.type());
        assertEquals(List.of(), gateway.upstream("primary").received(), "a refused call must not reach the provider");
    }

    @Test
    void unknownModelErrorNamesTheModelsThatExist() {
        GatewayResponse response = gateway.post(CHAT, "{\"model\":\"gpt-x\"," + MESSAGES + "}").send();

        String message = response.json().path("error").path("message").asText();
        for (String name : List.of("gpt-x", "auto", "frontier", "mid", "light", "big", "small", "nano", "embed")) {
            assertTrue(message.contains(name), () -> "'" + name + "' missing from: " + message);
        }
        assertEquals("model", response.json().path("error").path("param").asText());
    }

    @Test
    void fieldErrorsNameTheFieldAsParam() {
        GatewayResponse response = gateway.post(CHAT, "{\"model\":\"auto\",\"max_tokens\":0," + MESSAGES + "}").send();

        assertEquals("max_tokens", response.json().path("error").path("param").asText(), response::toString);
    }

    @Test
    void aNumberTooLargeForADoubleIsForwardedAsWrittenNotAsInfinity() {
        GatewayResponse response = gateway.post(CHAT, "{\"model\":\"auto\",\"temperature\":1e400," + MESSAGES + "}").send();

        assertEquals(200, response.status(), response::toString);
        String sent = gateway.upstream("primary").onlyRequest().body();
        assertFalse(sent.contains("Infinity"), sent);
        assertTrue(sent.contains("\"temperature\":1E+400"), sent);
    }

    @Test
    void bodyEndingInWhitespaceIsNotMistakenForTrailingText() {
        GatewayResponse response = gateway.post(CHAT, GOOD_CHAT + " \r\n\t\n").send();

        assertEquals(200, response.status(), response::toString);
    }

    static void assertOpenAiError(GatewayResponse response, String code, String type) {
        JsonNode root = response.json();
        JsonNode error = root.path("error");
        List<String> fields = new ArrayList<>();
        error.fieldNames().forEachRemaining(fields::add);
        assertAll(
                () -> assertEquals(List.of("error"), names(root.fieldNames()), response::toString),
                () -> assertEquals(List.of("message", "type", "code", "param"), fields, response::toString),
                () -> assertEquals(code, error.path("code").asText(), response::toString),
                () -> assertEquals(type, error.path("type").asText(), response::toString),
                () -> assertTrue(error.path("message").isTextual() && !error.path("message").asText().isBlank(),
                        response::toString),
                () -> assertTrue(error.path("param").isNull() || error.path("param").isTextual(), response::toString),
                () -> assertTrue(response.header("content-type").startsWith("application/json"), response::toString),
                () -> assertNotNull(response.header("x-request-id"), response::toString));
        for (String leak : List.of("Exception", "\tat ", "dev.loopgate.", "com.fasterxml", "io.vertx",
                "StreamReadFeature", "[Source:")) {
            assertFalse(response.body().contains(leak), () -> "'" + leak + "' in " + response.body());
        }
    }

    private static List<String> names(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    /** Builds the table, one named row per bad call. */
    private static final class Rows {
        private final List<Arguments> rows = new ArrayList<>();

        void invalid(String name, String path, String body) {
            add(name, HttpMethod.POST, path, body, r -> r, 400, "invalid_request", "invalid_request_error");
        }

        void add(String name, HttpMethod method, String path, String body, UnaryOperator<GatewayRequest> change,
                int status, String code, String type) {
            rows.add(Arguments.of(Named.of(name, new BadCall(method, path, body, change, status, code, type))));
        }

        Stream<Arguments> arguments() {
            return rows.stream();
        }
    }
}
