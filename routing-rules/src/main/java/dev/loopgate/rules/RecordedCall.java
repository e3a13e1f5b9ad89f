package dev.loopgate.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.loopgate.rules.internal.FactsJson;
import java.io.Reader;
import java.util.List;
import java.util.Objects;

/** One call of recorded traffic for the what-if replay: its facts and the tokens it actually used. */
public record RecordedCall(CallFacts facts, long promptTokens, long completionTokens) {
    /** More tokens than any call has; bounded so that pricing a replay cannot overflow. */
    public static final long MAX_TOKENS = Integer.MAX_VALUE;

    public RecordedCall {
        Objects.requireNonNull(facts, "facts");
        checkTokens(promptTokens, "prompt_tokens");
        checkTokens(completionTokens, "completion_tokens");
    }

    private static void checkTokens(long count, String field) {
        if (count < 0 || count > MAX_TOKENS) {
            throw new IllegalArgumentException(field + ": must be between 0 and " + MAX_TOKENS + ", got " + count);
        }
    }

    /**
     * Reads the {@link CallFacts#fromJson} object plus {@code completion_tokens} (0 when missing);
     * {@code prompt_tokens} is both a fact and the recorded prompt count.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static RecordedCall fromJson(JsonNode json) {
        CallFacts facts = CallFacts.fromJson(json);
        return new RecordedCall(facts, facts.promptTokens(), FactsJson.completionTokens(json));
    }

    /**
     * Reads one {@link #fromJson} object per line; blank lines are skipped.
     *
     * @throws IllegalArgumentException starting with the line number, e.g. {@code line 3: step: ...}
     * @throws java.io.UncheckedIOException when the reader fails
     */
    public static List<RecordedCall> readJsonl(Reader reader) {
        return FactsJson.readJsonl(reader);
    }
}
