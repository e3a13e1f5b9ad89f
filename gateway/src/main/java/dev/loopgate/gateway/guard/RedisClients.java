package dev.loopgate.gateway.guard;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Redis client the budget services share. Lettuce's defaults suit a cache, not a gateway
 * that refuses calls while Redis is away: its reconnect delay doubles up to 30 s, so calls
 * went on being refused for seconds after Redis was back. Here reconnects come at most
 * {@link #MAX_RECONNECT_DELAY} apart, commands are refused at once while disconnected (a call
 * gets its 503 now, not after a timeout), and shutting down is bounded.
 */
public final class RedisClients {
    public static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(100);
    /** How long closing may take: a Redis that is down must not hold up the gateway's stop. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(2);

    private RedisClients() {
    }

    public static RedisClient create() {
        ClientResources resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(1), MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
                .build();
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .build());
        return client;
    }

    /** Closes the client's connections, then its threads; never takes longer than a few seconds. */
    public static CompletableFuture<Void> shutdown(RedisClient client) {
        long timeout = SHUTDOWN_TIMEOUT.toMillis();
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        client.shutdownAsync(0, timeout, TimeUnit.MILLISECONDS).whenComplete((closed, failed) ->
                client.getResources().shutdown(0, timeout, TimeUnit.MILLISECONDS)
                        .addListener(threads -> stopped.complete(null)));
        return stopped;
    }
}
