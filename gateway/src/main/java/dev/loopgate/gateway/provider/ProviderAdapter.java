package dev.loopgate.gateway.provider;

import dev.loopgate.gateway.config.Timeouts;
import io.vertx.core.Future;
import java.time.Duration;

/** Speaks one provider's protocol. Fails with {@link UpstreamException} when no answer arrives. */
public interface ProviderAdapter {
    /** Sends a call; completes when the upstream's status line and headers arrive. */
    Future<UpstreamResponse> send(UpstreamRequest request);

    /** The limits the reader applies while the body arrives (idle between chunks, total). */
    Timeouts timeouts();

    /**
     * Stops taking calls; calls in flight may finish for up to {@code grace} (a config reload
     * retires the old adapters this way), then the connections close.
     */
    Future<Void> shutdown(Duration grace);
}
