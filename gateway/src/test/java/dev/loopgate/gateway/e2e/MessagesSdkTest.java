package dev.loopgate.gateway.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.PaymentRequiredException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.anthropic.models.messages.Model;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.Reply.StreamEnd;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import dev.loopgate.gateway.testing.GatewayHarness;
import dev.loopgate.gateway.testing.GatewayRequest;
import dev.loopgate.gateway.testing.GatewayResponse;
import dev.loopgate.gateway.testing.Poll;
import dev.loopgate.gateway.testing.ReceivedRequest;
import dev.loopgate.gateway.testing.StreamingCall;
import dev.loopgate.gateway.testing.TestUpstream;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import dev.loopgate.gateway.tokens.TokenEstimator;
import io.vertx.core.http.HttpMethod;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official Anthropic Java SDK pointed at the gateway's {@code /v1/messages}, in front of a
 * local upstream that answers as Anthropic does with recorded messages and streams: the body
 * reaches the provider as the SDK sent it but for {@code model}, the answer and the stream come
 * back as the provider wrote them, every call is charged from the provider's usage, and the
 * gateway's refusals reach the SDK as its typed errors.
 */
class MessagesSdkTest {
    static final String CONFIG = """
            server: { host: 127.0.0.1, port: 0 }
            providers:
              claude: { type: anthropic, base_url: "${CLAUDE_URL}", api_key: "${CLAUDE_API_KEY}" }
            models:
              sonnet: { provider: claude, name: claude-sonnet-4-5-20250929, input: 3.0, output: 15.0,
                        cache_read: 0.3, cache_write: 3.75 }
            tiers: { mid: [sonnet] }
            aliases: { "claude-sonnet-*": mid, "claude-haiku-*": sonnet }
            rules: []
            budgets:
              loops:
                "broke-*": { usd: 0.000001 }
                "limited-*": { rpm: 1 }
            """ + GatewayHarness.KEYS;

    @RegisterExtension
    static final GatewayHarness gateway = GatewayHarness.perClass(CONFIG, "claude");
    static TestUpstream claude;

    @BeforeAll
    static void upstream() {
        claude = gateway.upstream("claude");
    }

    @Test
    void aMessageGoesThroughAsSentButForTheModelAndIsChargedFromTheProvidersUsage() {
        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null));
        Message message = withClient("sdk-plain", client -> client.messages().create(MessageCreateParams.builder()
                .model(Model.of("sonnet"))
                .maxTokens(1024)
                .system("You review invoices.")
                .addUserMessage("Why does the total test fail?")
                .build()));

        assertTrue(message.content().get(0).text().orElseThrow().text().startsWith("The failing test"));
        assertEquals(412, message.usage().inputTokens());
        ReceivedRequest received = claude.onlyRequest();
        assertEquals("/messages", received.path().substring(received.path().lastIndexOf('/')));
        assertEquals("claude-sonnet-4-5-20250929", received.json().path("model").asText());
        assertEquals("sk-claude-upstream-secret-7f3a", received.header("x-api-key"), "the provider's key, not the loop's");
        assertTrue(received.header("anthropic-version").matches("\\d{4}-\\d{2}-\\d{2}"), "the SDK's version is passed on");
        // 412 input + 1024 written + 2048 read + 58 output at $3 / $3.75 / $0.3 / $15 per million
        BigDecimal expected = new BigDecimal("0.001236").add(new BigDecimal("0.00384")).add(new BigDecimal("0.0006144"))
                .add(new BigDecimal("0.00087"));
        assertEquals(0, expected.compareTo(gateway.spentUsd("sdk-plain")), "charged " + gateway.spentUsd("sdk-plain"));
    }

    @Test
    void whatTheProviderReceivesIsByteForByteWhatTheClientSentButForTheModel() {
        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null));
        String sent = """
                {"model":"sonnet","max_tokens":32000,"system":[{"type":"text","text":"You are Claude Code.",\
                "cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text",\
                "text":"List the files.","cache_control":{"type":"ephemeral"}}]}],"thinking":{"type":"adaptive"},\
                "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},\
                "output_config":{"effort":"high"},"tools":[{"name":"Bash","description":"Run a command",\
                "input_schema":{"type":"object","properties":{"command":{"type":"string"}}},"defer_loading":true}],\
                "metadata":{"user_id":"user_abc_account_def_session_123"},"temperature":0.70}""";
        GatewayResponse response = gateway.post("/v1/messages?beta=true", sent).loop("fidelity-loop")
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27")
                .send();
        assertEquals(200, response.status(), response.body());
        assertEquals(AnthropicFixtures.text(AnthropicFixtures.TEXT), response.body(), "the answer comes back untouched");
        ReceivedRequest received = claude.onlyRequest();
        assertEquals(sent.replace("\"model\":\"sonnet\"", "\"model\":\"claude-sonnet-4-5-20250929\""), received.body());
        assertEquals("claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27",
                received.header("anthropic-beta"));
        assertEquals("2023-06-01", received.header("anthropic-version"));
    }

    @Test
    void theConcreteModelNamesAClientAsksForAreAliasesAndTheRequestedNameIsAudited() {
        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null));
        GatewayResponse aliased = gateway.post("/v1/messages", """
                {"model":"claude-sonnet-4-5-20250929","max_tokens":64,"messages":[{"role":"user","content":"Go"}]}""")
                .loop("alias-loop").header("X-Request-Id", "alias-call").send();
        assertEquals(200, aliased.status(), aliased.body());
        assertEquals("mid", aliased.header("x-loopgate-tier"));
        assertEquals("model:alias", aliased.header("x-loopgate-rule"));
        assertEquals("claude-sonnet-4-5-20250929", claude.onlyRequest().json().path("model").asText());
        assertEquals("claude-sonnet-4-5-20250929", gateway.sink().await("alias-call").requestedModel(),
                "the name asked for is recorded");
        assertEquals("anthropic", Poll.forValue(Poll.WAIT, () -> auditDialect("alias-call"), "the call's audit row"),
                "the audit row names the dialect the client spoke");

        GatewayResponse unknown = gateway.post("/v1/messages", """
                {"model":"claude-opus-4-5","max_tokens":64,"messages":[{"role":"user","content":"Go"}]}""")
                .loop("alias-loop").send();
        assertEquals(400, unknown.status());
        assertTrue(unknown.json().path("error").path("message").asText().contains("claude-sonnet-*"), unknown.body());
    }

    @Test
    void countTokensIsAnsweredByTheProviderCostsNothingAndIsEstimatedWhenTheProviderCannotAnswer() {
        claude.answer((vertx, request, received) -> request.response().putHeader("content-type", "application/json")
                .end("{\"input_tokens\":1234}"));
        MessageTokensCount counted = withClient("count-loop", client -> client.messages().countTokens(
                MessageCountTokensParams.builder().model("claude-sonnet-4-5").addUserMessage("How long is this?")
                        .build()));
        assertEquals(1234, counted.inputTokens());
        ReceivedRequest received = claude.onlyRequest();
        assertTrue(received.path().endsWith("/messages/count_tokens"), received.path());
        assertEquals("claude-sonnet-4-5-20250929", received.json().path("model").asText());
        assertEquals("sk-claude-upstream-secret-7f3a", received.header("x-api-key"));

        claude.answer(AnthropicFixtures.answer(500, AnthropicFixtures.ERROR_500, null));
        MessageTokensCount estimated = withClient("count-loop", client -> client.messages().countTokens(
                MessageCountTokensParams.builder().model("sonnet").addUserMessage("How long is this?").build()));
        assertTrue(estimated.inputTokens() > 0 && estimated.inputTokens() < 50, "estimated " + estimated.inputTokens());
        assertEquals(0, BigDecimal.ZERO.compareTo(gateway.spentUsd("count-loop")), "counting is free");
        assertEquals(0, gateway.request(HttpMethod.GET, "/admin/loops/count-loop").key(GatewayHarness.ADMIN_KEY).send()
                .json().path("steps").asLong(), "and no step");
    }

    @Test
    void aToolRoundTripGoesThroughAsTheSdkSentIt() {
        claude.answer(UpstreamAnswer.firstThen(AnthropicFixtures.answer(200, AnthropicFixtures.TOOL_USE, null),
                AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null)));
        Message asked = withClient("sdk-tools", client -> client.messages().create(MessageCreateParams.builder()
                .model(Model.of("sonnet")).maxTokens(1024).addUserMessage("Fix the total test.").build()));
        ToolUseBlock use = asked.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow()
                .toolUse().orElseThrow();
        assertEquals("run_tests", use.name());

        Message answered = withClient("sdk-tools", client -> client.messages().create(MessageCreateParams.builder()
                .model(Model.of("sonnet")).maxTokens(1024).addUserMessage("Fix the total test.")
                .addMessage(asked)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                        .toolUseId(use.id()).content("2 failed: test_total, test_tax").build())))
                .build()));
        assertTrue(answered.content().get(0).text().orElseThrow().text().startsWith("The failing test"));

        JsonNode second = claude.received().get(1).json().path("messages");
        assertEquals(AnthropicFixtures.json(AnthropicFixtures.TOOL_USE).path("content"), second.path(1).path("content"),
                "the assistant's tool calls go back as the provider wrote them");
        JsonNode result = second.path(2).path("content").path(0);
        assertEquals("tool_result", result.path("type").asText());
        assertEquals(use.id(), result.path("tool_use_id").asText());
    }

    @Test
    void aStreamIsRelayedEventByEventAndChargedFromItsUsage() {
        claude.answer(AnthropicFixtures.stream(AnthropicFixtures.STREAM_TEXT, 37));
        MessageAccumulator accumulator = MessageAccumulator.create();
        withClient("sdk-stream", client -> {
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
                    MessageCreateParams.builder().model(Model.of("sonnet")).maxTokens(512)
                            .addUserMessage("When do loops converge?").build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            return null;
        });
        Message message = accumulator.message();
        assertEquals("Loops converge when each step shrinks the error — ½ at a time.",
                message.content().get(0).text().orElseThrow().text());
        assertEquals(17, message.usage().outputTokens());
        assertTrue(claude.onlyRequest().json().path("stream").asBoolean());
        // 96 input + 3072 read + 17 output
        BigDecimal expected = new BigDecimal("0.000288").add(new BigDecimal("0.0009216")).add(new BigDecimal("0.000255"));
        assertTrue(Poll.until(Poll.WAIT, () -> expected.compareTo(gateway.spentUsd("sdk-stream")) == 0),
                "charged " + gateway.spentUsd("sdk-stream"));
    }

    @Test
    void aStreamCutBeforeItsStopEndsWithAnErrorEventAndIsStillCharged() {
        claude.answer(AnthropicFixtures.streamWithoutStop(AnthropicFixtures.STREAM_TEXT));
        GatewayResponse response = gateway.post("/v1/messages", """
                {"model":"sonnet","max_tokens":512,"stream":true,"messages":[{"role":"user","content":"Go"}]}""")
                .loop("cut-loop").send();
        assertEquals(200, response.status());
        assertTrue(response.body().endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\","
                + "\"message\":\"upstream_error: The stream was interrupted: the upstream ended the stream before it"
                + " finished.\"}}\n\n"), response.body());
        BigDecimal expected = new BigDecimal("0.000288").add(new BigDecimal("0.0009216")).add(new BigDecimal("0.000255"));
        assertTrue(Poll.until(Poll.WAIT, () -> expected.compareTo(gateway.spentUsd("cut-loop")) == 0), "charged " + gateway.spentUsd("cut-loop"));
    }

    @Test
    void aClientLeavingMidStreamIsChargedTheProvidersInputAndTheOutputItGot() {
        String recorded = AnthropicFixtures.text(AnthropicFixtures.STREAM_TEXT);
        String firstPart = recorded.substring(0, recorded.indexOf("event: content_block_delta",
                recorded.indexOf(" converge when")));
        claude.answer((vertx, request, received) -> request.response().setChunked(true)
                .putHeader("content-type", "text/event-stream").write(firstPart));
        GatewayRequest request = gateway.post("/v1/messages", """
                {"model":"sonnet","max_tokens":512,"stream":true,"messages":[{"role":"user","content":"Go"}]}""")
                .loop("abort-loop");
        StreamingCall call = request.open();
        call.awaitText(" converge when");

        call.disconnect();

        CallRecord record = gateway.sink().await(request.requestId());
        assertEquals(StreamEnd.CLIENT_CLOSED, record.streamEnd());
        long output = new TokenEstimator().text("Loops converge when");
        // message_start's 96 input and 3072 cache reads, and the output the client got
        BigDecimal expected = new BigDecimal("0.000288").add(new BigDecimal("0.0009216"))
                .add(new BigDecimal(output).multiply(new BigDecimal("0.000015")));
        assertEquals(0, expected.compareTo(BigDecimal.valueOf(record.costNanos(), 9)),
                "charged " + BigDecimal.valueOf(record.costNanos(), 9) + ", expected " + expected);
        assertTrue(Poll.until(Poll.WAIT, () -> expected.compareTo(gateway.spentUsd("abort-loop")) == 0), "settled " + gateway.spentUsd("abort-loop"));
    }

    @Test
    void aRetryWithTheSameIdempotencyKeyIsAnsweredOnceAndChargedOnce() {
        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null));
        String body = """
                {"model":"sonnet","max_tokens":64,"messages":[{"role":"user","content":"Once only"}]}""";
        GatewayResponse first = gateway.post("/v1/messages", body).loop("idem-loop").header("Idempotency-Key", "k-1").send();
        GatewayResponse again = gateway.post("/v1/messages", body).loop("idem-loop").header("Idempotency-Key", "k-1").send();
        assertEquals(200, again.status(), again.body());
        assertEquals(first.body(), again.body());
        assertEquals("true", again.header("x-loopgate-idempotent-replay"));
        assertEquals(1, claude.received().size(), "the provider answered once");
        assertEquals(0, new BigDecimal(first.header("x-loopgate-cost-usd")).compareTo(gateway.spentUsd("idem-loop")),
                "charged once");
    }

    @Test
    void theGatewaysRefusalsReachTheSdkAsItsTypedErrors() {
        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null));
        PaymentRequiredException broke = assertThrows(PaymentRequiredException.class,
                () -> withClient("broke-loop", MessagesSdkTest::ask));
        assertTrue(broke.getMessage().contains("budget_exceeded"), broke.getMessage());

        assertEquals(200, gateway.request(HttpMethod.POST, "/admin/loops/held-loop/pause").key(GatewayHarness.ADMIN_KEY)
                .body("{\"reason\":\"checking\"}").send().status());
        PermissionDeniedException paused = assertThrows(PermissionDeniedException.class,
                () -> withClient("held-loop", MessagesSdkTest::ask));
        assertTrue(paused.getMessage().contains("loop_paused"), paused.getMessage());

        withClient("limited-loop", MessagesSdkTest::ask);
        RateLimitException limited = assertThrows(RateLimitException.class,
                () -> withClient("limited-loop", MessagesSdkTest::ask));
        assertTrue(limited.headers().values("retry-after").size() == 1, "retry-after is sent");
        assertEquals(1, claude.received().size(), "no refused call reached the provider");
    }

    @Test
    void errorsAreInAnthropicsShapeWithTheGatewaysCodeInTheMessage() {
        GatewayResponse missing = gateway.post("/v1/messages", """
                {"model":"sonnet","messages":[{"role":"user","content":"Go"}]}""").loop("shape-loop").send();
        assertEquals(400, missing.status());
        JsonNode error = missing.json();
        assertEquals("error", error.path("type").asText());
        assertEquals("invalid_request_error", error.path("error").path("type").asText());
        assertEquals("invalid_request: Missing required parameter: 'max_tokens'.", error.path("error").path("message")
                .asText());

        GatewayResponse noKey = gateway.post("/v1/messages", "{}").noKey().send();
        assertEquals(401, noKey.status());
        assertEquals("authentication_error", noKey.json().path("error").path("type").asText(), noKey.body());

        claude.answer(AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null));
        GatewayResponse byApiKey = gateway.post("/v1/messages", """
                {"model":"sonnet","max_tokens":5,"messages":[{"role":"user","content":"Go"}]}""").noKey()
                .header("x-api-key", GatewayHarness.LOOP_KEY).loop("shape-loop").send();
        assertEquals(200, byApiKey.status(), byApiKey.body());
        assertEquals("sk-claude-upstream-secret-7f3a", claude.onlyRequest().header("x-api-key"),
                "the loop's key never goes upstream");
    }

    private static Message ask(AnthropicClient client) {
        return client.messages().create(MessageCreateParams.builder().model(Model.of("sonnet")).maxTokens(256)
                .addUserMessage("Next step?").build());
    }

    private static <T> T withClient(String loop, Function<AnthropicClient, T> use) {
        AnthropicClient client = AnthropicOkHttpClient.builder()
                .baseUrl(gateway.baseUrl())
                .apiKey(GatewayHarness.LOOP_KEY)
                .putHeader("X-Loop-Id", loop)
                .maxRetries(0)
                .timeout(Duration.ofSeconds(10))
                .build();
        try {
            return use.apply(client);
        } finally {
            client.close();
        }
    }

    private static Optional<String> auditDialect(String requestId) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + gateway.auditDb());
                PreparedStatement query = db.prepareStatement("SELECT dialect FROM audit_log WHERE request_id = ?")) {
            query.setString(1, requestId);
            try (ResultSet row = query.executeQuery()) {
                return row.next() ? Optional.ofNullable(row.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            return Optional.empty();
        }
    }
}
