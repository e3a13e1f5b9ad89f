package dev.loopgate.gateway.audit.writer;

import dev.loopgate.gateway.audit.AuditEntry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One {@link AuditEntry} as the bytes of one spool record, and back, exactly: every field in
 * declaration order, nulls kept. Strings are written as UTF-16 code units (a length, or -1 for
 * null, then the chars), so every Java string round-trips, lone surrogates included, which
 * UTF-8 would not promise. Nullable numbers carry a presence byte. The first byte is the
 * format version; a record of an unknown version is refused, never guessed at, and one of an
 * older version is read as it was written.
 */
final class SpoolCodec {
    static final int VERSION = 2;
    /** Records of version 1 (written before the dialect was recorded) are still read, with no dialect. */
    private static final int WITHOUT_DIALECT = 1;

    private SpoolCodec() {
    }

    static byte[] encode(AuditEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            writeString(out, e.kind().name());
            out.writeLong(e.atMillis());
            writeString(out, e.requestId());
            writeString(out, e.keyName());
            writeString(out, e.loopId());
            writeString(out, e.run());
            writeLong(out, e.step());
            writeString(out, e.role());
            writeString(out, e.requestedModel());
            writeString(out, e.rule());
            writeLong(out, e.rulesVersion());
            writeString(out, e.tier());
            writeString(out, e.model());
            writeString(out, e.provider());
            out.writeInt(e.status());
            writeString(out, e.errorCode());
            out.writeLong(e.promptTokens());
            out.writeLong(e.completionTokens());
            out.writeLong(e.cachedTokens());
            out.writeLong(e.costNanos());
            out.writeLong(e.latencyMs());
            writeLong(out, e.firstByteMs());
            out.writeBoolean(e.stream());
            writeString(out, e.streamEnd());
            writeString(out, e.idempotencyKey());
            writeString(out, e.requestHash());
            writeString(out, e.action());
            writeString(out, e.actor());
            writeString(out, e.detail());
            writeString(out, e.content());
            writeString(out, e.dialect());
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    static AuditEntry decode(byte[] record) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(record));
        int version = in.readUnsignedByte();
        if (version != VERSION && version != WITHOUT_DIALECT) {
            throw new IOException("spool record of unknown format version " + version);
        }
        AuditEntry entry;
        try {
            entry = new AuditEntry(
                    AuditEntry.Kind.valueOf(readString(in)),
                    in.readLong(),
                    readString(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    readLong(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    readLong(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    in.readInt(),
                    readString(in),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    readLong(in),
                    in.readBoolean(),
                    readString(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    readString(in),
                    version == WITHOUT_DIALECT ? null : readString(in));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("spool record does not hold an audit entry: " + e.getMessage(), e);
        }
        if (in.available() != 0) {
            throw new IOException("spool record has " + in.available() + " bytes after its entry");
        }
        return entry;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(value.length());
        out.writeChars(value);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) {
            return null;
        }
        if (length < 0 || length > in.available() / 2) {
            throw new IOException("spool record holds a string of impossible length " + length);
        }
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = in.readChar();
        }
        return new String(chars);
    }

    private static void writeLong(DataOutputStream out, Long value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeLong(value);
        }
    }

    private static Long readLong(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readLong() : null;
    }
}
