package dev.loopgate.budgets.approvals;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Approval ids: {@code apr_} and 24 random hex digits, unguessable, so an id in a message names one approval. */
public final class ApprovalIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("apr_[0-9a-f]{24}");

    private ApprovalIds() {
    }

    public static String next() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "apr_" + HexFormat.of().formatHex(bytes);
    }

    /** {@code id}, when it has an approval id's shape. */
    public static String check(String id) {
        if (id == null || !SHAPE.matcher(id).matches()) {
            throw new IllegalArgumentException("not an approval id: " + id);
        }
        return id;
    }
}
