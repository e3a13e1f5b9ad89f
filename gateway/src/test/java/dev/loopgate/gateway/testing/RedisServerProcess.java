package dev.loopgate.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} a test starts on a spare port, kills as a crash would, and starts
 * again on the same port — persisted to an append-only file when given a folder.
 */
public final class RedisServerProcess implements AutoCloseable {
    private final int port;
    private final Path dataDir;
    private Process process;

    private RedisServerProcess(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    /** @param dataDir where to keep an fsync-always append-only file, or null to keep nothing */
    public static RedisServerProcess start(Path dataDir) throws IOException {
        RedisServerProcess redis = new RedisServerProcess(sparePort(), dataDir);
        redis.restart();
        return redis;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    public void restart() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", ""));
        if (dataDir == null) {
            command.addAll(List.of("--appendonly", "no"));
        } else {
            command.addAll(List.of("--dir", dataDir.toString(), "--appendonly", "yes", "--appendfsync", "always"));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!Poll.until(Duration.ofSeconds(10), this::accepts)) {
            throw new IllegalStateException("redis-server did not start on port " + port);
        }
    }

    @Override
    public void close() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int sparePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
