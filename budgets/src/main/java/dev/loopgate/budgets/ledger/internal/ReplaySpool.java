package dev.loopgate.budgets.ledger.internal;

import dev.loopgate.budgets.ledger.Breaker;
import dev.loopgate.budgets.ledger.Trip;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The replay queue of a sliced ledger on disk, so spend made from a local slice survives a
 * restart of the replica: every item queued is appended to {@code replays.log} as
 * {@code + <seq> C|T <fields>} and every item the primary acknowledged as {@code - <seq>}, by one
 * writer thread off the caller's (no blocking I/O on an event loop). Opening the spool reads
 * what was left, in order, and rewrites the file with only that. A crash of the process loses
 * nothing (the bytes are with the OS when the call returns); a crash of the machine may lose the
 * last lines the OS had not written.
 */
final class ReplaySpool implements AutoCloseable {
    static final String FILE = "replays.log";

    private final Path file;
    private final ExecutorService writer;
    private final BufferedWriter out;

    private ReplaySpool(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
        this.writer = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "loopgate-replay-spool");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Opens (or creates) the spool in {@code dir}; {@code left} receives what an earlier run left, in order. */
    static ReplaySpool open(Path dir, List<Object> left) {
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(FILE);
            Map<Long, Object> pending = new TreeMap<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    read(line, pending);
                }
            }
            left.addAll(pending.values());
            Path fresh = dir.resolve(FILE + ".new");
            List<String> lines = new ArrayList<>();
            long seq = 0;
            for (Object item : pending.values()) {
                lines.add(line(++seq, item));
            }
            Files.write(fresh, lines, StandardCharsets.UTF_8);
            Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return new ReplaySpool(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the replay spool in " + dir, e);
        }
    }

    void added(long seq, Object item) {
        write(line(seq, item));
    }

    void acknowledged(long seq) {
        write("- " + seq);
    }

    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
            out.close();
        } catch (IOException e) {
            System.getLogger(ReplaySpool.class.getName()).log(System.Logger.Level.WARNING, "closing " + file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(String line) {
        try {
            writer.execute(() -> {
                try {
                    out.write(line);
                    out.newLine();
                    out.flush();
                } catch (IOException e) {
                    failed(e);
                }
            });
        } catch (RejectedExecutionException closed) {
            // a replay that ended after close: its acknowledgement must still reach the file, or the
            // next run would replay that charge again
            try {
                Files.writeString(file, line + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            } catch (IOException e) {
                failed(e);
            }
        }
    }

    private void failed(IOException e) {
        System.getLogger(ReplaySpool.class.getName()).log(System.Logger.Level.ERROR,
                "cannot write to the replay spool " + file + "; a restart now would lose queued spend", e);
    }

    private static String line(long seq, Object item) {
        if (item instanceof Replays.Charge charge) {
            return "+ " + seq + " C " + escape(charge.loopId()) + "|" + escape(charge.bucket()) + "|"
                    + charge.nanos() + "|" + charge.tokens() + "|" + Codec.override(charge.limits());
        }
        Trip trip = (Trip) item;
        return "+ " + seq + " T " + escape(trip.loopId()) + "|" + trip.breaker().name() + "|" + trip.atMillis()
                + "|" + escape(trip.reason());
    }

    /** Codec's escaping, and line breaks too: one item is one line. */
    private static String escape(String text) {
        return Codec.escape(text).replace("\n", "%0A").replace("\r", "%0D");
    }

    private static String unescape(String text) {
        return Codec.unescape(text.replace("%0A", "\n").replace("%0D", "\r"));
    }

    /** One line into {@code pending}; a line cut short by a crash is skipped. */
    private static void read(String line, Map<Long, Object> pending) {
        try {
            if (line.startsWith("- ")) {
                pending.remove(Long.parseLong(line.substring(2).trim()));
                return;
            }
            if (!line.startsWith("+ ")) {
                return;
            }
            String[] head = line.split(" ", 4);
            long seq = Long.parseLong(head[1]);
            String[] fields = head[3].split("\\|", head[2].equals("C") ? 5 : 4);
            if (head[2].equals("C")) {
                pending.put(seq, new Replays.Charge(unescape(fields[0]), unescape(fields[1]),
                        Long.parseLong(fields[2]), Long.parseLong(fields[3]), Codec.override(fields[4])));
            } else {
                pending.put(seq, new Trip(unescape(fields[0]), Breaker.valueOf(fields[1]), unescape(fields[3]),
                        Long.parseLong(fields[2])));
            }
        } catch (RuntimeException cutShort) {
            // the last line of a crashed run may be incomplete
        }
    }
}
