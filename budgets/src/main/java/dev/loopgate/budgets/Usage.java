package dev.loopgate.budgets;

/**
 * Tokens one call used. {@code cachedPromptTokens} is the part of {@code promptTokens}
 * the provider served from its prompt cache (priced separately where it says so).
 */
public record Usage(long promptTokens, long completionTokens, long cachedPromptTokens) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || cachedPromptTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
        if (cachedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("cached prompt tokens exceed prompt tokens");
        }
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
