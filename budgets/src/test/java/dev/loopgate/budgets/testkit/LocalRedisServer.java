package dev.loopgate.budgets.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;

/**
 * One redis-server on a free loopback port, not started until asked: for tests of a part made
 * while Redis is down that must join once it is up.
 */
public final class LocalRedisServer implements AutoCloseable {
    private final int port = LocalRedisServers.freePort();

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** A free loopback port for something else the server listens on (a TLS port). */
    public static int freePort() {
        return LocalRedisServers.freePort();
    }

    public void start() {
        start(List.of());
    }

    /** Starts it with these extra config lines (ACL users, say). */
    public void start(List<String> config) {
        try {
            LocalRedisServers.start(port, Files.createTempDirectory("lg-redis-later"), config, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        LocalRedisServers.kill(port);
    }
}
