package dev.loopgate.gateway.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RedisClientsTest {
    @Test
    void callsRefusedAfterRedisReturns_reconnectsNeverWaitLongerThanTheCapHoweverLongTheOutage() {
        RedisClient client = RedisClients.create();
        try {
            for (long attempt : new long[] {1, 5, 10, 20, 40, 1000}) {
                Duration delay = client.getResources().reconnectDelay().createDelay(attempt);
                assertTrue(delay.compareTo(RedisClients.MAX_RECONNECT_DELAY) <= 0, "attempt " + attempt + ": " + delay);
            }
            assertEquals(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS, client.getOptions().getDisconnectedBehavior());
        } finally {
            RedisClients.shutdown(client).join();
        }
    }

    @Test
    void stoppingWithRedisDown_shutdownEndsWhileItsConnectionKeepsFailing() throws Exception {
        RedisClient client = RedisClients.create();
        try {
            client.connect(RedisURI.create("redis://127.0.0.1:1"));
        } catch (RuntimeException refused) {
            // nothing listens there: the client now has nothing to talk to, like a gateway whose Redis died
        }
        RedisClients.shutdown(client).get(20, TimeUnit.SECONDS);
        assertTrue(client.getResources().eventExecutorGroup().isShutdown(), "its threads are gone too");
    }
}
