package dev.loopgate.gateway.call;

import dev.loopgate.gateway.error.ErrorCode;
import dev.loopgate.gateway.error.GatewayException;
import java.util.Objects;

/**
 * Which loop a call belongs to and where in it: {@code run} (one run of the loop),
 * {@code step} (its iteration, -1 when not sent) and {@code role} (maker, checker…),
 * each absent when the caller did not send it.
 */
public record LoopIdentity(String loopId, String run, long step, String role) {
    public static final long NO_STEP = -1;
    static final int MAX_ID_LENGTH = 128;

    public LoopIdentity {
        Objects.requireNonNull(loopId, "loopId");
    }

    /**
     * Loop ids, runs and roles end up in metrics, audit rows and store keys, so they are
     * kept to a short, printable alphabet without braces (which would break key hash tags).
     */
    public static String checkedLabel(String value, String param) {
        if (!isLabel(value)) {
            throw new GatewayException(ErrorCode.INVALID_REQUEST, "'" + param + "' must be 1-" + MAX_ID_LENGTH
                    + " characters of letters, digits and - _ . : / @", param);
        }
        return value;
    }

    /** Whether {@code value} may be a loop id, run or role (see {@link #checkedLabel}). */
    public static boolean isLabel(String value) {
        boolean ok = !value.isEmpty() && value.length() <= MAX_ID_LENGTH;
        for (int i = 0; ok && i < value.length(); i++) {
            char c = value.charAt(i);
            ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '@';
        }
        return ok;
    }
}
