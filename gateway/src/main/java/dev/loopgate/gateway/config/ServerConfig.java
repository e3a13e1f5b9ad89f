package dev.loopgate.gateway.config;

/** Where the gateway listens and how large a request body it accepts. */
public record ServerConfig(String host, int port, long maxBodyBytes) {
    public static final String DEFAULT_HOST = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 4L * 1024 * 1024;
}
