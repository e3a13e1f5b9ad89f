package dev.loopgate.gateway.provider;

import dev.loopgate.gateway.config.ProviderConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The adapters of one event loop, one per configured provider, each with its own connection pool. */
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
        configs.forEach((name, config) -> {
            URI baseUrl = switch (config.type()) {
                case OPENAI -> config.baseUrl().orElseThrow();
                case SIMULATED -> simulatedUrls.get(name);
            };
            if (baseUrl == null) {
                throw new IllegalStateException("simulated provider '" + name + "' is not being served");
            }
            adapters.put(name, new OpenAiAdapter(vertx, config, baseUrl));
        });
        return new Providers(adapters);
    }

    public ProviderAdapter get(String provider) {
        ProviderAdapter adapter = adapters.get(provider);
        if (adapter == null) {
            throw new IllegalArgumentException("unknown provider '" + provider + "'");
        }
        return adapter;
    }

    public Future<Void> close() {
        List<Future<Void>> closing = adapters.values().stream().map(ProviderAdapter::close).toList();
        return Future.join(closing).mapEmpty();
    }
}
