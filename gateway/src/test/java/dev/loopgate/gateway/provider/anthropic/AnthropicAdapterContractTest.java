package dev.loopgate.gateway.provider.anthropic;

import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.provider.ProviderContract;
import dev.loopgate.gateway.testing.AnthropicFixtures;
import java.util.List;

/**
 * The contract for Anthropic providers, against recorded Anthropic Messages answers: what the
 * adapter hands back is their translation into OpenAI's format. A prompt counts every input
 * token, cache reads and writes included.
 */
class AnthropicAdapterContractTest extends ProviderContract {
    @Override
    protected ProviderType type() {
        return ProviderType.ANTHROPIC;
    }

    @Override
    protected String upstreamModel() {
        return "claude-sonnet-4-5-20250929";
    }

    @Override
    protected Credentials credentials(String key) {
        return new Credentials("x-api-key", key);
    }

    @Override
    protected Served<Completion> chat() {
        // 412 input + 1024 written to the cache + 2048 read from it
        return new Served<>(AnthropicFixtures.TEXT, AnthropicFixtures.answer(200, AnthropicFixtures.TEXT, null),
                new Completion("The failing test expects the invoice total in cents; round the tax once, after summing"
                        + " the lines.", 3484, 58));
    }

    @Override
    protected Served<Completion> stream() {
        // 96 input + 3072 read from the cache; the output count is message_delta's
        return new Served<>(AnthropicFixtures.STREAM_TEXT + " in 5-byte writes",
                AnthropicFixtures.stream(AnthropicFixtures.STREAM_TEXT, 5),
                new Completion("Loops converge when each step shrinks the error — ½ at a time.", 3168, 17));
    }

    @Override
    protected Served<List<ToolCall>> toolCalls() {
        return new Served<>(AnthropicFixtures.TOOL_USE, AnthropicFixtures.answer(200, AnthropicFixtures.TOOL_USE, null),
                List.of(new ToolCall("toolu_01A09q90qw90lq917835lq9", "run_tests",
                                "{\"path\":\"billing/tests\",\"verbose\":true}"),
                        new ToolCall("toolu_01BX3t7Lw8mJ2cYq5RkN4pZe", "read_file",
                                "{\"path\":\"billing/invoice.py\"}")));
    }

    @Override
    protected Served<List<ToolCall>> toolCallStream() {
        return new Served<>(AnthropicFixtures.STREAM_TOOL_USE + " in one write",
                AnthropicFixtures.stream(AnthropicFixtures.STREAM_TOOL_USE, Integer.MAX_VALUE),
                List.of(new ToolCall("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "run_tests",
                                "{\"path\":\"billing/tests\",\"verbose\":true}"),
                        new ToolCall("toolu_01BX3t7Lw8mJ2cYq5RkN4pZe", "read_file",
                                "{\"path\":\"billing/invoice.py\"}")));
    }

    @Override
    protected Served<ErrorReply> rateLimited() {
        return new Served<>("HTTP 429 " + AnthropicFixtures.ERROR_429,
                AnthropicFixtures.answer(429, AnthropicFixtures.ERROR_429, "17"),
                new ErrorReply(429, message(AnthropicFixtures.ERROR_429), "17"));
    }

    /** Anthropic's 529 (overloaded) is a 503 to OpenAI clients, which all retry that; see {@link AnthropicErrors}. */
    @Override
    protected List<Served<ErrorReply>> serverErrors() {
        return List.of(
                new Served<>("HTTP 500 " + AnthropicFixtures.ERROR_500,
                        AnthropicFixtures.answer(500, AnthropicFixtures.ERROR_500, null),
                        new ErrorReply(500, message(AnthropicFixtures.ERROR_500), null)),
                new Served<>("HTTP 529 " + AnthropicFixtures.ERROR_529,
                        AnthropicFixtures.answer(529, AnthropicFixtures.ERROR_529, "5"),
                        new ErrorReply(503, message(AnthropicFixtures.ERROR_529), "5")));
    }

    private static String message(String fixture) {
        return AnthropicFixtures.json(fixture).path("error").path("message").asText();
    }
}
