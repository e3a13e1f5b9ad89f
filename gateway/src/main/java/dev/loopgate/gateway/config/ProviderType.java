package dev.loopgate.gateway.config;

/** The wire protocol a provider speaks. */
public enum ProviderType {
    /** Any OpenAI-compatible upstream: OpenAI, vLLM, Ollama, Groq, OpenRouter, Gemini's compatible endpoint. */
    OPENAI("openai"),
    /** Anthropic Messages; calls are translated to and from OpenAI's format by the gateway. */
    ANTHROPIC("anthropic"),
    /** A built-in upstream with deterministic answers, for demos and dry runs that spend nothing. */
    SIMULATED("simulated");

    private final String wireName;

    ProviderType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
