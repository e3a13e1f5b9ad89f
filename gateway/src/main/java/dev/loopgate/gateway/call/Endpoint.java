package dev.loopgate.gateway.call;

/** The inbound calls that go through the pipeline: their dialect and their path under {@code /v1} and a provider's base URL. */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions", Dialect.OPENAI),
    EMBEDDINGS("/embeddings", Dialect.OPENAI),
    MESSAGES("/messages", Dialect.ANTHROPIC),
    RESPONSES("/responses", Dialect.RESPONSES);

    private final String upstreamPath;
    private final Dialect dialect;

    Endpoint(String upstreamPath, Dialect dialect) {
        this.upstreamPath = upstreamPath;
        this.dialect = dialect;
    }

    /** The path under a provider's base URL. */
    public String upstreamPath() {
        return upstreamPath;
    }

    public Dialect dialect() {
        return dialect;
    }
}
