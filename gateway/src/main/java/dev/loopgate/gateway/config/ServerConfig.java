package dev.loopgate.gateway.config;

/**
 * Where the gateway listens, how large a request body it accepts, what a client may hold of it
 * ({@link ClientLimits}), and how it shows its metrics.
 */
public record ServerConfig(String host, int port, long maxBodyBytes, ClientLimits clients, MetricsConfig metrics) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
}
