package dev.loopgate.budgets.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One redis-server on a free loopback port: started when asked (for a part made while Redis is
 * down that must join once it is up), killed as a crash would, and started again on the same
 * port, keeping its data in an append-only file synced on every write when made {@link #persistent}.
 */
public final class LocalRedisServer implements AutoCloseable {
    private final int port = LocalRedisServers.freePort();
    private final Path dataDir;
    private List<String> config = List.of();

    /** A server keeping nothing across a restart; not started yet. */
    public LocalRedisServer() {
        this(null);
    }

    private LocalRedisServer(Path dataDir) {
        this.dataDir = dataDir;
    }

    /** A started server whose data in {@code dataDir} survives {@link #kill()} and {@link #restart()}. */
    public static LocalRedisServer persistent(Path dataDir) {
        LocalRedisServer server = new LocalRedisServer(dataDir);
        server.start();
        return server;
    }

    /** A started server keeping nothing across a restart. */
    public static LocalRedisServer started() {
        LocalRedisServer server = new LocalRedisServer();
        server.start();
        return server;
    }

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

    /** Starts it with these extra config lines (ACL users, say); a {@link #restart()} uses them again. */
    public void start(List<String> extra) {
        config = List.copyOf(extra);
        restart();
    }

    /** Kills it at once (SIGKILL), as a crash would. */
    public void kill() {
        LocalRedisServers.kill(port);
    }

    /** Starts it again on the same port (after {@link #kill()}), with its data if it is persistent. */
    public void restart() {
        try {
            List<String> lines = new ArrayList<>(config);
            if (dataDir != null) {
                lines.addAll(List.of("appendonly yes", "appendfsync always"));
            }
            LocalRedisServers.start(port, dataDir != null ? dataDir : Files.createTempDirectory("lg-redis"), lines, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }
}
