package dev.loopgate.budgets;

/**
 * Tokens one call used. {@code cachedPromptTokens} is the part of {@code promptTokens}
 * the provider served from its prompt cache, {@code cacheWriteTokens} the part it wrote
 * into that cache (Anthropic bills writes apart); each is priced separately where the
 * model says so.
 */
public record Usage(long promptTokens, long completionTokens, long cachedPromptTokens, long cacheWriteTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || cachedPromptTokens < 0 || cacheWriteTokens < 0) {
            throw new IllegalArgumentException("token counts must not be negative");
        }
        if (cachedPromptTokens > promptTokens) {
            throw new IllegalArgumentException("cached prompt tokens exceed prompt tokens");
        }
        if (cacheWriteTokens > promptTokens - cachedPromptTokens) {
            throw new IllegalArgumentException("cached and cache-write tokens together exceed prompt tokens");
        }
    }

    /** A usage without cache writes, as OpenAI-style providers report it. */
    public Usage(long promptTokens, long completionTokens, long cachedPromptTokens) {
        this(promptTokens, completionTokens, cachedPromptTokens, 0);
    }

    public long totalTokens() {
        return promptTokens + completionTokens;
    }
}
