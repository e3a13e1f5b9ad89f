package dev.loopgate.gateway.audit.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** SQLite files in a temp folder, each one under a folder that does not exist yet. */
final class SqliteTestDatabase implements TestDatabase {
    private final Path root;
    private final AtomicInteger next = new AtomicInteger();

    SqliteTestDatabase() {
        try {
            root = Files.createTempDirectory("loopgate-audit-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String freshUrl() {
        return "jdbc:sqlite:" + root.resolve("t" + next.incrementAndGet()).resolve("data").resolve("audit.db");
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
