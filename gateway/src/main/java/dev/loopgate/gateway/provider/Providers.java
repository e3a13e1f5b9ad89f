package dev.loopgate.gateway.provider;

import dev.loopgate.gateway.config.ProviderConfig;
import dev.loopgate.gateway.config.ProviderType;
import dev.loopgate.gateway.provider.anthropic.AnthropicAdapter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The adapters of one event loop, one per configured provider, each with its own connection
 * pool, each behind the Responses hub ({@link ResponsesThroughChat}).
 */
public final class Providers {
    private final Map<String, ProviderAdapter> adapters;

    private Providers(Map<String, ProviderAdapter> adapters) {
        this.adapters = Map.copyOf(adapters);
    }

    /**
     * @param simulatedUrls where each simulated provider is being served in this process
     */
    public static Providers create(Vertx vertx, Map<String, ProviderConfig> configs, Map<String, URI> simulatedUrls) {
        Map<String, ProviderAdapter> adapters = new HashMap<>();
        configs.forEach((name, config) -> adapters.put(name, new ResponsesThroughChat(switch (config.type()) {
            case OPENAI -> new OpenAiAdapter(vertx, config, config.baseUrl().orElseThrow());
            case ANTHROPIC -> new AnthropicAdapter(vertx, config,
                    config.baseUrl().orElse(AnthropicAdapter.DEFAULT_BASE_URL));
            case SIMULATED -> new OpenAiAdapter(vertx, config, simulatedUrl(name, simulatedUrls));
        }, config.type() == ProviderType.OPENAI && config.dialects().responsesNative(), Clock.systemUTC())));
        return new Providers(adapters);
    }

    private static URI simulatedUrl(String name, Map<String, URI> simulatedUrls) {
        URI url = simulatedUrls.get(name);
        if (url == null) {
            throw new IllegalStateException("simulated provider '" + name + "' is not being served");
        }
        return url;
    }

    public ProviderAdapter get(String provider) {
        ProviderAdapter adapter = adapters.get(provider);
        if (adapter == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'");
        }
        return adapter;
    }

    /** The provider's adapter when it speaks Anthropic Messages (for calls outside the pipeline, such as count_tokens). */
    public Optional<AnthropicAdapter> anthropic(String provider) {
        ProviderAdapter adapter = get(provider);
        ProviderAdapter speaking = adapter instanceof ResponsesThroughChat hub ? hub.adapter() : adapter;
        return speaking instanceof AnthropicAdapter anthropic ? Optional.of(anthropic) : Optional.empty();
    }

    /** See {@link ProviderAdapter#shutdown}. */
    public Future<Void> shutdown(Duration grace) {
        List<Future<Void>> closing = adapters.values().stream().map(adapter -> adapter.shutdown(grace)).toList();
        return Future.join(closing).mapEmpty();
    }
}
