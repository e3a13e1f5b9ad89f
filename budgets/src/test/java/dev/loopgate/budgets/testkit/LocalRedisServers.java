package dev.loopgate.budgets.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * redis-server processes the tests start on free loopback ports, each in a scratch directory,
 * stopped when the JVM exits (or when a test kills one). Shared by {@link LocalRedisCluster}
 * and {@link LocalRedisSentinel}.
 */
final class LocalRedisServers {
    private static final Map<Integer, Process> RUNNING = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.values().forEach(Process::destroyForcibly)));
    }

    private LocalRedisServers() {
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts {@code redis-server} with the config lines given (port and dir are added) and waits for PONG. */
    static void start(int port, Path dir, List<String> config, boolean sentinel) {
        try {
            Files.createDirectories(dir);
            List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir,
                    "save \"\"", "appendonly no", "protected-mode no"));
            lines.addAll(config);
            Path file = dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
            Files.write(file, lines, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of("redis-server", file.toString()));
            if (sentinel) {
                command.add("--sentinel");
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile()).start();
            RUNNING.put(port, process);
            // a server that wants a login answers PING with an authentication error: it is up too
            Await.until("redis-server on port " + port + " answers", () -> answers(cli(port, "PING")),
                    TimeUnit.SECONDS.toMillis(20));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start redis-server (is it installed? .ci/run installs it)", e);
        }
    }

    private static boolean answers(String reply) {
        return "PONG".equals(reply) || reply.contains("NOAUTH") || reply.contains("NOPERM") || reply.contains("AUTH");
    }

    /** Kills the server on {@code port} at once (SIGKILL), as a crash would. */
    static void kill(int port) {
        Process process = RUNNING.remove(port);
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static void stop(List<Integer> ports) {
        ports.forEach(LocalRedisServers::kill);
    }

    /** One redis-cli command's output, trimmed; empty when the server does not answer. */
    static String cli(int port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(List.of(args));
        return run(command, 10);
    }

    static String run(List<String> command, long timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
