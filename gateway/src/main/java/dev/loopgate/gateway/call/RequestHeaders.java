package dev.loopgate.gateway.call;

/** Names of the loop headers callers send. */
public final class RequestHeaders {
    public static final String LOOP_ID = "X-Loop-Id";
    public static final String LOOP_RUN = "X-Loop-Run";
    public static final String LOOP_STEP = "X-Loop-Step";
    public static final String LOOP_ROLE = "X-Loop-Role";
    public static final String REQUEST_ID = "X-Request-Id";

    private RequestHeaders() {
    }
}
