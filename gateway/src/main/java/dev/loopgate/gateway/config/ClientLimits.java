package dev.loopgate.gateway.config;

import java.time.Duration;

/**
 * What one client may hold of the gateway before it has shown a key, and what all clients
 * together may buffer: the {@code server:} settings that keep a slow or hostile client
 * from exhausting connections or heap.
 *
 * @param maxInflightBodyBytes request bytes buffered across all calls at once; past it a call is
 *     refused with 503 before its body is read
 * @param headerTimeout how long a new connection may take to send a complete request head
 * @param bodyTimeout how long a request body may take to arrive once its head has
 * @param keepAliveTimeout how long a connection may wait between a response and the next
 *     complete request head
 * @param maxConnectionsPerAddress open connections from one client address; 0 for no cap
 *     (behind a load balancer every client has its address)
 */
public record ClientLimits(long maxInflightBodyBytes, Duration headerTimeout, Duration bodyTimeout,
        Duration keepAliveTimeout, int maxConnectionsPerAddress) {
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(75);
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

    /** The default bound on buffered bodies: a quarter of the heap, and at least one largest body. */
    public static long defaultMaxInflightBodyBytes(long maxBodyBytes) {
        return Math.max(Runtime.getRuntime().maxMemory() / 4, maxBodyBytes);
    }

    public static ClientLimits defaults(long maxBodyBytes) {
        return new ClientLimits(defaultMaxInflightBodyBytes(maxBodyBytes), DEFAULT_HEADER_TIMEOUT,
                DEFAULT_BODY_TIMEOUT, DEFAULT_KEEP_ALIVE_TIMEOUT, DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
    }
}
