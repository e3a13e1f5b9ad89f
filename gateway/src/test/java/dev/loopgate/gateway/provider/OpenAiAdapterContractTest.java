package dev.loopgate.gateway.provider;

import dev.loopgate.budgets.Usage;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.testing.Fixtures;
import dev.loopgate.gateway.testing.UpstreamAnswer;
import java.util.List;
import java.util.Map;

/**
 * The contract for OpenAI-compatible providers, against recorded OpenAI answers, which the
 * adapter passes on as they are.
 */
class OpenAiAdapterContractTest extends ProviderContract {
    @Override
    protected ProviderType type() {
        return ProviderType.OPENAI;
    }

    @Override
    protected String upstreamModel() {
        return "gpt-4.1-mini-2025-04-14";
    }

    @Override
    protected Credentials credentials(String key) {
        return new Credentials("authorization", "Bearer " + key);
    }

    @Override
    protected Served<Completion> chat() {
        Usage usage = Fixtures.usageOf(Fixtures.json(Fixtures.CHAT));
        return new Served<>(Fixtures.CHAT, UpstreamAnswer.json(200, Fixtures.CHAT),
                new Completion(Fixtures.chatContent(), usage.promptTokens(), usage.completionTokens()));
    }

    @Override
    protected Served<Completion> stream() {
        Usage usage = Fixtures.streamUsage();
        return new Served<>(Fixtures.CHAT_STREAM + " in 7-byte writes",
                UpstreamAnswer.sseInPieces(Fixtures.CHAT_STREAM, 7),
                new Completion(Fixtures.streamContent(), usage.promptTokens(), usage.completionTokens()));
    }

    @Override
    protected Served<List<ToolCall>> toolCalls() {
        return new Served<>(Fixtures.CHAT_TOOL_CALLS, UpstreamAnswer.json(200, Fixtures.CHAT_TOOL_CALLS),
                List.of(new ToolCall("call_Jq8mV2pXc4tN7bLw1sYd9ZkR", "run_tests",
                                "{\"path\":\"billing/tests\",\"verbose\":true}"),
                        new ToolCall("call_T5rH1kWz8nQ3vLc6bXm2PyJd", "read_file",
                                "{\"path\":\"billing/invoice.py\"}")));
    }

    @Override
    protected Served<List<ToolCall>> toolCallStream() {
        return new Served<>(Fixtures.CHAT_STREAM_TOOL_CALLS, UpstreamAnswer.sse(Fixtures.CHAT_STREAM_TOOL_CALLS),
                List.of(new ToolCall("call_Vn3kR8wQ2xLp5cTm9bYs1HdZ", "run_tests",
                                "{\"path\":\"billing/tests\",\"verbose\":true}"),
                        new ToolCall("call_Hc7pW1mK4tXq8vNz2LbR6sYf", "read_file",
                                "{\"path\":\"billing/invoice.py\"}")));
    }

    @Override
    protected Served<ErrorReply> rateLimited() {
        return new Served<>("HTTP 429 " + Fixtures.ERROR_429,
                UpstreamAnswer.json(429, Fixtures.ERROR_429, Map.of("retry-after", "20")),
                new ErrorReply(429, message(Fixtures.ERROR_429), "20"));
    }

    @Override
    protected List<Served<ErrorReply>> serverErrors() {
        return List.of(
                new Served<>("HTTP 500 " + Fixtures.ERROR_500, UpstreamAnswer.json(500, Fixtures.ERROR_500),
                        new ErrorReply(500, message(Fixtures.ERROR_500), null)),
                new Served<>("HTTP 503 " + Fixtures.ERROR_503, UpstreamAnswer.json(503, Fixtures.ERROR_503),
                        new ErrorReply(503, message(Fixtures.ERROR_503), null)));
    }

    private static String message(String fixture) {
        return Fixtures.json(fixture).path("error").path("message").asText();
    }
}
