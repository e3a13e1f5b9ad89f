package dev.loopgate.gateway.call;

/** The inbound calls that go through the pipeline, with their upstream path. */
public enum Endpoint {
    CHAT_COMPLETIONS("/chat/completions"),
    EMBEDDINGS("/embeddings");

    private final String upstreamPath;

    Endpoint(String upstreamPath) {
        this.upstreamPath = upstreamPath;
    }

    /** The path under a provider's base URL. */
    public String upstreamPath() {
        return upstreamPath;
    }
}
