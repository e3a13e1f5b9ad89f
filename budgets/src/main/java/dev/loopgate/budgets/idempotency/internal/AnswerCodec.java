package dev.loopgate.budgets.idempotency.internal;

import dev.loopgate.budgets.idempotency.StoredAnswer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link StoredAnswer} as bytes, for Redis: a format byte ({@value #FORMAT}), the status, the
 * content type (a presence byte, then a string), the header count and pairs, the chunk count and
 * chunks. Strings are UTF-8 with an int length; chunks are an int length and their bytes.
 */
final class AnswerCodec {
    static final int FORMAT = 1;

    private AnswerCodec() {
    }

    static byte[] encode(StoredAnswer answer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + (int) Math.min(answer.bodyBytes(), 1 << 20));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeShort(answer.status());
            out.writeBoolean(answer.contentType() != null);
            if (answer.contentType() != null) {
                writeString(out, answer.contentType());
            }
            out.writeInt(answer.headers().size());
            for (Map.Entry<String, String> header : answer.headers().entrySet()) {
                writeString(out, header.getKey());
                writeString(out, header.getValue());
            }
            out.writeInt(answer.chunks().size());
            for (byte[] chunk : answer.chunks()) {
                out.writeInt(chunk.length);
                out.write(chunk);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static StoredAnswer decode(byte[] data, int offset) {
        try (DataInputStream in = new DataInputStream(
                new ByteArrayInputStream(data, offset, data.length - offset))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("stored answer in unknown format " + format);
            }
            int status = in.readUnsignedShort();
            String contentType = in.readBoolean() ? readString(in) : null;
            int headerCount = in.readInt();
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < headerCount; i++) {
                headers.put(readString(in), readString(in));
            }
            int chunkCount = in.readInt();
            List<byte[]> chunks = new ArrayList<>(chunkCount);
            for (int i = 0; i < chunkCount; i++) {
                chunks.add(readBytes(in));
            }
            return new StoredAnswer(status, contentType, headers, chunks);
        } catch (IOException e) {
            throw new IllegalStateException("stored answer is cut short or corrupt", e);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("negative length " + length);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }
}
