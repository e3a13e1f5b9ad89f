package dev.loopgate.gateway.call;

/** The wire format a client speaks to the gateway, or a provider to it. */
public enum Dialect {
    /** OpenAI chat completions and embeddings: the hub every translation goes through. */
    OPENAI,
    /** Anthropic Messages. */
    ANTHROPIC,
    /** The OpenAI Responses API. */
    RESPONSES
}
