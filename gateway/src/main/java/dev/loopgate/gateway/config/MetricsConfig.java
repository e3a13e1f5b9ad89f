package dev.loopgate.gateway.config;

/**
 * {@code server.metrics}: whether {@code GET /metrics} is served on the main port, and
 * whether a scraper must show a finance or admin key for it. Prometheus scrapers usually
 * carry no credentials, so by default it is open, like the metrics of most gateways.
 */
public record MetricsConfig(boolean enabled, boolean requireKey) {
    public static final MetricsConfig DEFAULTS = new MetricsConfig(true, false);
}
