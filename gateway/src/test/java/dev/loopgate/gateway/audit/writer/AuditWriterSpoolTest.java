package dev.loopgate.gateway.audit.writer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loopgate.gateway.audit.AuditEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's spool file and its encoding of an audit entry. */
class AuditWriterSpoolTest {
    @TempDir
    Path dir;

    @Test
    void everyFieldRoundTripsThroughTheEncoding() throws IOException {
        AuditEntry full = new AuditEntry(AuditEntry.Kind.CALL, Long.MIN_VALUE, "req-é", "key\nname", "loop \"1\"",
                "", Long.MAX_VALUE, "role\u0000", "mödel", "rule,1", -1L, "tier", "model", "provider", -7,
                "error_code", Long.MAX_VALUE, 0, -1, 123_456_789_012L, Long.MAX_VALUE, 0L, true, "client_closed",
                "idem-\uD83D\uDE00", "hash", "rules.put", "admin", "{\"reason\":\"x\"}", "lone \uD800 surrogate"
                        + "x".repeat(100_000), "anthropic");
        AuditEntry nulls = new AuditEntry(AuditEntry.Kind.ADMIN, 0, null, null, null, null, null, null, null, null,
                null, null, null, null, 0, null, 0, 0, 0, 0, 0, null, false, null, null, null, null, null, null, null, null);

        assertEquals(full, SpoolCodec.decode(SpoolCodec.encode(full)));
        assertEquals(nulls, SpoolCodec.decode(SpoolCodec.encode(nulls)));
        assertEquals(AuditEntry.admin(5, "loop.pause", "ops", "loop-1", null),
                SpoolCodec.decode(SpoolCodec.encode(AuditEntry.admin(5, "loop.pause", "ops", "loop-1", null))));
    }

    @Test
    void aRecordSpooledBeforeTheDialectWasRecordedIsReadWithoutOne() throws IOException {
        AuditEntry written = Entries.numbered(1);
        byte[] current = SpoolCodec.encode(written);
        // version 1 had no dialect: the same bytes without the last string (here a 4-byte length and "openai")
        byte[] older = java.util.Arrays.copyOf(current, current.length - 4 - 2 * "openai".length());
        older[0] = 1;

        AuditEntry read = SpoolCodec.decode(older);
        assertEquals(null, read.dialect());
        assertEquals(written.requestHash(), read.requestHash());
        assertEquals(written.content(), read.content());
    }

    @Test
    void aRecordOfAnotherFormatVersionIsRefused() {
        byte[] record = SpoolCodec.encode(Entries.numbered(1));
        record[0] = 99;

        assertThrows(IOException.class, () -> SpoolCodec.decode(record));
    }

    @Test
    void spooledEntriesSurviveReopeningInOrder() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Entries.numbered(1, 3));
            spool.append(Entries.numbered(4, 10));
        }

        try (Spool spool = Spool.open(dir)) {
            assertEquals(10, spool.pending());
            assertEquals(Entries.numbered(1, 10), spool.readHead(100).entries());
            assertEquals(Entries.numbered(1, 4), spool.readHead(4).entries());
        }
    }

    @Test
    void acknowledgedEntriesAreNotHandedOutAgainAfterReopening() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Entries.numbered(1, 10));
            spool.acknowledge(spool.readHead(4));
            assertEquals(Entries.numbered(5, 7), spool.readHead(3).entries());
        }

        try (Spool spool = Spool.open(dir)) {
            assertEquals(6, spool.pending());
            Spool.Segment rest = spool.readHead(100);
            assertEquals(Entries.numbered(5, 10), rest.entries());
            spool.acknowledge(rest);
            assertTrue(spool.isEmpty());
            assertEquals(List.of(), logs(), "a drained log is deleted");
            spool.append(Entries.numbered(11, 12));
        }

        try (Spool spool = Spool.open(dir)) {
            assertEquals(Entries.numbered(11, 12), spool.readHead(100).entries());
        }
    }

    @Test
    void aTornTailIsCutOffAndKeptAside() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Entries.numbered(1, 5));
        }
        Path log = logs().get(0);
        Files.write(log, new byte[] {0, 0, 1, 0, 0x12, 0x34}, StandardOpenOption.APPEND);

        try (Spool spool = Spool.open(dir)) {
            assertEquals(5, spool.pending());
            spool.append(List.of(Entries.numbered(6)));
            assertEquals(Entries.numbered(1, 6), spool.readHead(100).entries());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("audit-spool-torn-")));
        }
    }

    @Test
    void aCorruptRecordIsNotHandedOut() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Entries.numbered(1, 3));
        }
        Path log = logs().get(0);
        byte[] bytes = Files.readAllBytes(log);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(log, bytes);

        try (Spool spool = Spool.open(dir)) {
            assertEquals(2, spool.pending(), "the last record fails its checksum");
            assertEquals(Entries.numbered(1, 2), spool.readHead(100).entries());
        }
    }

    @Test
    void anUnreadableOffsetReplaysTheLogFromItsStart() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            spool.append(Entries.numbered(1, 4));
            spool.acknowledge(spool.readHead(2));
        }
        Files.writeString(dir.resolve(Spool.OFFSET), "garbage", StandardCharsets.US_ASCII);

        try (Spool spool = Spool.open(dir)) {
            assertEquals(Entries.numbered(1, 4), spool.readHead(100).entries(), "at least once, never skipped");
        }
    }

    @Test
    void aFolderInUseIsRefused() throws IOException {
        try (Spool spool = Spool.open(dir)) {
            assertThrows(IllegalStateException.class, () -> Spool.open(dir));
            assertFalse(spool.pending() > 0);
        }
    }

    private List<Path> logs() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("audit-spool-\\d+\\.log")).sorted().toList();
        }
    }
}
