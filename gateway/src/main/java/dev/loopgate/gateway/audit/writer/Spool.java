package dev.loopgate.gateway.audit.writer;

import dev.loopgate.gateway.audit.AuditEntry;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit writer's local, append-only spool: the entries the store has not taken yet, in
 * order, on disk. Used by one thread only (the writer's). Files in its folder:
 * <ul>
 * <li>{@code audit-spool-<generation>.log}: one record per entry,
 * {@code [int length][int CRC32C of payload][payload]}, the payload being {@link SpoolCodec}'s
 * bytes. A batch of records is written in one go and forced to disk (fdatasync) before
 * {@link #append} returns. Bytes once written are never overwritten.</li>
 * <li>{@value #OFFSET}: {@code <generation> <byte offset>}, the first record the store has not
 * acknowledged. Replaced atomically (a temporary file, forced, renamed over it) after every
 * acknowledged batch, so it always holds an old or a new value, never a torn one.</li>
 * <li>{@value #LOCK}: locked while a writer uses the folder, so two never share one spool.</li>
 * </ul>
 * When the store has acknowledged every record, the offset moves to the next generation's
 * start and only then is the old log deleted; a crash in between leaves a stale log that the
 * next open deletes. In memory the head moves on at once; the offset file may lag it (a
 * failed write, a crash just after the store committed), which replays records again, never
 * skips one. Opening checks every unacknowledged record; a torn or corrupt tail (a write cut
 * short by a crash before it was forced, so never reported as spooled) is copied aside to
 * {@code audit-spool-torn-<millis>} and cut off.
 */
final class Spool implements Closeable {
    static final String OFFSET = "audit-spool.offset";
    static final String LOCK = "audit-spool.lock";
    static final int HEADER_BYTES = 8;
    static final int MAX_RECORD_BYTES = 64 << 20;
    private static final Pattern LOG_NAME = Pattern.compile("audit-spool-(\\d+)\\.log");
    private static final Logger LOGGER = LoggerFactory.getLogger(Spool.class);

    /** Records {@code [start, end)} of the current log, holding {@code entries} in order. */
    record Segment(long start, long end, List<AuditEntry> entries) {
    }

    private final Path dir;
    private final FileChannel lockFile;
    private final FileLock lock;
    private long generation;
    private FileChannel log;
    private long head;
    private long end;
    private long pending;

    private Spool(Path dir, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /** Locks the folder (creating it), reads the offset and checks every record after it. */
    static Spool open(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel lockFile = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockFile.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockFile.close();
            throw new IllegalStateException("the audit spool folder " + dir + " is in use by another audit writer");
        }
        Spool spool = new Spool(dir, lockFile, lock);
        try {
            spool.recover();
            return spool;
        } catch (IOException | RuntimeException e) {
            try {
                spool.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Entries spooled and not yet acknowledged by the store. */
    long pending() {
        return pending;
    }

    boolean isEmpty() {
        return pending == 0;
    }

    /** Writes {@code entries} after the last record and forces them to disk before returning. */
    Segment append(List<AuditEntry> entries) throws IOException {
        List<byte[]> payloads = new ArrayList<>(entries.size());
        long total = 0;
        for (AuditEntry entry : entries) {
            byte[] payload = SpoolCodec.encode(entry);
            payloads.add(payload);
            total += HEADER_BYTES + payload.length;
        }
        if (log == null) {
            log = openLog(generation);
        }
        long start = end;
        try {
            long position = start;
            CRC32C crc = new CRC32C();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(total, 1 << 20));
            for (byte[] payload : payloads) {
                if (buffer.remaining() < HEADER_BYTES + payload.length) {
                    position = flush(buffer, position);
                    if (buffer.capacity() < HEADER_BYTES + payload.length) {
                        buffer = ByteBuffer.allocate(HEADER_BYTES + payload.length);
                    }
                }
                crc.reset();
                crc.update(payload);
                buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload);
            }
            flush(buffer, position);
            log.force(false);
        } catch (IOException e) {
            try {
                log.truncate(start);
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
        end = start + total;
        pending += entries.size();
        return new Segment(start, end, List.copyOf(entries));
    }

    /** Up to {@code max} entries from the first unacknowledged one, in order. */
    Segment readHead(int max) throws IOException {
        List<AuditEntry> entries = new ArrayList<>((int) Math.min(max, pending));
        long position = head;
        while (entries.size() < max && position < end) {
            byte[] payload = readRecord(position, end);
            entries.add(SpoolCodec.decode(payload));
            position += HEADER_BYTES + payload.length;
        }
        return new Segment(head, position, entries);
    }

    /**
     * The store holds {@code segment} (the first unacknowledged records): they are never handed
     * out again by this spool. Throws when the offset file could not be updated; the spool has
     * still moved on, and the offset file catches up with the next acknowledgement.
     */
    void acknowledge(Segment segment) throws IOException {
        if (segment.start() != head || segment.end() > end) {
            throw new IllegalStateException("acknowledged " + segment.start() + ".." + segment.end()
                    + " but the spool's unacknowledged records are " + head + ".." + end);
        }
        head = segment.end();
        pending -= segment.entries().size();
        if (head == end) {
            startNextGeneration();
        } else {
            writeOffset(generation, head);
        }
    }

    @Override
    public void close() throws IOException {
        try (lockFile; FileChannel current = log) {
            lock.release();
        }
    }

    private long flush(ByteBuffer buffer, long position) throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            position += log.write(buffer, position);
        }
        buffer.clear();
        return position;
    }

    /** Everything is acknowledged: point the offset at an empty next log, then drop this one. */
    private void startNextGeneration() throws IOException {
        writeOffset(generation + 1, 0);
        FileChannel old = log;
        long oldGeneration = generation;
        generation++;
        log = null;
        head = 0;
        end = 0;
        if (old != null) {
            old.close();
        }
        Files.deleteIfExists(logFile(oldGeneration));
    }

    private void recover() throws IOException {
        long[] stored = readOffset();
        generation = stored[0];
        deleteStaleLogs();
        if (!Files.exists(logFile(generation))) {
            head = 0;
            end = 0;
            return;
        }
        log = openLog(generation);
        long size = log.size();
        head = stored[1];
        if (head > size) {
            LOGGER.error("audit spool offset {} is past the end of {} ({} bytes); replaying it all", head,
                    logFile(generation), size);
            head = 0;
        }
        long position = head;
        long count = 0;
        while (position < size) {
            byte[] payload;
            try {
                payload = readRecord(position, size);
                SpoolCodec.decode(payload);
            } catch (IOException e) {
                cutTornTail(position, size, e);
                break;
            }
            position += HEADER_BYTES + payload.length;
            count++;
        }
        end = position;
        pending = count;
        if (count == 0) {
            startNextGeneration();
        } else {
            LOGGER.info("audit spool {} holds {} entries from an earlier run; they go to the store first", dir, count);
        }
    }

    private void deleteStaleLogs() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "audit-spool-*.log")) {
            for (Path file : files) {
                Matcher name = LOG_NAME.matcher(file.getFileName().toString());
                if (name.matches() && Long.parseLong(name.group(1)) < generation) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private void cutTornTail(long position, long size, IOException why) throws IOException {
        Path aside = dir.resolve("audit-spool-torn-" + System.currentTimeMillis());
        try (FileChannel out = FileChannel.open(aside, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            log.transferTo(position, size - position, out);
            out.force(true);
        }
        log.truncate(position);
        log.force(true);
        LOGGER.warn("audit spool {}: cut {} bytes at offset {} ({}); kept them in {}", logFile(generation),
                size - position, position, why.getMessage(), aside);
    }

    private byte[] readRecord(long position, long limit) throws IOException {
        if (limit - position < HEADER_BYTES) {
            throw new EOFException("record header cut short");
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        readFully(header, position);
        int length = header.getInt(0);
        int expected = header.getInt(4);
        if (length < 0 || length > MAX_RECORD_BYTES || length > limit - position - HEADER_BYTES) {
            throw new EOFException("record of " + length + " bytes does not fit");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(payload, position + HEADER_BYTES);
        CRC32C crc = new CRC32C();
        crc.update(payload.array());
        if ((int) crc.getValue() != expected) {
            throw new IOException("record checksum does not match");
        }
        return payload.array();
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            if (log.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("spool ends inside a record");
            }
        }
    }

    private Path logFile(long logGeneration) {
        return dir.resolve("audit-spool-" + logGeneration + ".log");
    }

    /** Opens (creating) a log; a new one's folder entry is forced too, so a power loss keeps the file. */
    private FileChannel openLog(long logGeneration) throws IOException {
        Path file = logFile(logGeneration);
        boolean created = !Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        if (created) {
            forceFolder();
        }
        return channel;
    }

    private void forceFolder() {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException e) {
            // Not every platform can open a folder; the file's own data is forced regardless.
        }
    }

    /** {generation, offset}; a missing file is {0, 0}, an unreadable one replays its generation from 0. */
    private long[] readOffset() throws IOException {
        Path file = dir.resolve(OFFSET);
        if (!Files.exists(file)) {
            return new long[] {0, 0};
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        String[] parts = text.split(" ");
        try {
            long storedGeneration = Long.parseLong(parts[0]);
            long storedOffset = parts.length == 2 ? Long.parseLong(parts[1]) : -1;
            if (storedGeneration >= 0 && storedOffset >= 0) {
                return new long[] {storedGeneration, storedOffset};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        long oldest = oldestLog();
        LOGGER.error("audit spool offset file {} holds '{}'; replaying {} from its start", file, text, logFile(oldest));
        return new long[] {oldest, 0};
    }

    private long oldestLog() throws IOException {
        long oldest = Long.MAX_VALUE;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "audit-spool-*.log")) {
            for (Path file : files) {
                Matcher name = LOG_NAME.matcher(file.getFileName().toString());
                if (name.matches()) {
                    oldest = Math.min(oldest, Long.parseLong(name.group(1)));
                }
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : oldest;
    }

    private void writeOffset(long offsetGeneration, long offset) throws IOException {
        Path temporary = dir.resolve(OFFSET + ".tmp");
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap((offsetGeneration + " " + offset + "\n").getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            out.force(true);
        }
        Files.move(temporary, dir.resolve(OFFSET), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
