package dev.loopgate.gateway.audit.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A row's link in its chain: SHA-256, as lower-case hex, over the row's canonical form.
 *
 * <p>The canonical form is a sequence of fields, each either {@code 0x00} (null) or
 * {@code 0x01}, a 4-byte big-endian byte length and that many bytes of UTF-8 text. Numbers
 * are written in decimal, booleans as {@code true}/{@code false}, the kind by its name. The
 * fields are, in order: the format tag {@value #FORMAT}, the chain id, the sequence number,
 * every {@link AuditColumns#ENTRY} column in its order (a column added after the first schema
 * only when it is set, so older rows keep their hash), and the previous row's hash (or
 * {@link #GENESIS} for a chain's first row). The length prefix keeps field boundaries
 * unambiguous ({@code "ab","c"} never hashes like {@code "a","bc"}), and the null marker keeps
 * null apart from the empty string.
 */
final class RowHash {
    static final String FORMAT = "loopgate-audit-v1";
    /** The previous hash of every chain's first row. */
    static final String GENESIS = "0".repeat(64);

    private RowHash() {
    }

    static String of(String chainId, long seq, List<Object> entryValues, String previousHash) {
        ByteArrayOutputStream canonical = new ByteArrayOutputStream(512);
        field(canonical, FORMAT);
        field(canonical, chainId);
        field(canonical, seq);
        for (int i = 0; i < entryValues.size(); i++) {
            Object value = entryValues.get(i);
            if (value != null || AuditColumns.ENTRY.get(i).hashesNull()) {
                field(canonical, value);
            }
        }
        field(canonical, previousHash);
        return HexFormat.of().formatHex(sha256().digest(canonical.toByteArray()));
    }

    private static void field(ByteArrayOutputStream out, Object value) {
        if (value == null) {
            out.write(0);
            return;
        }
        byte[] bytes = value.toString().getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.write(bytes.length >>> 24);
        out.write(bytes.length >>> 16);
        out.write(bytes.length >>> 8);
        out.write(bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
