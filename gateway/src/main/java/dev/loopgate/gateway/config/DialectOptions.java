package dev.loopgate.gateway.config;

import java.util.Optional;
import java.util.Set;

/**
 * Which dialects a provider speaks besides its own, and how it takes the others.
 *
 * @param anthropicBetas the {@code anthropic-beta} values passed on to an Anthropic provider;
 *        empty passes every beta the caller sent
 * @param dropThinking   whether a Messages call's thinking (the {@code thinking} setting and
 *        earlier thinking blocks) is dropped when it is translated for an OpenAI-compatible
 *        provider, which has no such field; without it such a call is refused with a 400
 * @param responsesNative whether an OpenAI-compatible provider serves the Responses API itself
 *        ({@code responses: native}), so Responses calls go to it as sent; otherwise they are
 *        translated to chat completions
 */
public record DialectOptions(Optional<Set<String>> anthropicBetas, boolean dropThinking, boolean responsesNative) {
    public static final DialectOptions DEFAULTS = new DialectOptions(Optional.empty(), false, false);

    public DialectOptions {
        anthropicBetas = anthropicBetas.map(Set::copyOf);
    }

    /** The caller's comma-separated betas that may pass, in their order; null when none may. */
    public String passedBetas(String requested) {
        if (requested == null || requested.isBlank() || anthropicBetas.isEmpty()) {
            return requested == null || requested.isBlank() ? null : requested;
        }
        StringBuilder passed = new StringBuilder();
        for (String beta : requested.split(",")) {
            String name = beta.trim();
            if (anthropicBetas.get().contains(name)) {
                passed.append(passed.length() == 0 ? "" : ",").append(name);
            }
        }
        return passed.length() == 0 ? null : passed.toString();
    }
}
