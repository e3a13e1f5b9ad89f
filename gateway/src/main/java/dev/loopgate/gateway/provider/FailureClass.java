package dev.loopgate.gateway.provider;

import java.util.Set;

/**
 * Why one upstream attempt failed, in the classes that decide what happens next (see
 * {@code docs/failover.md} for the whole class-by-action table): whether the same target is
 * tried again, the next target is, or the caller gets the answer; and whether the failure
 * says the provider is unwell, which is what its health breaker counts.
 */
public enum FailureClass {
    /** The connection was refused or could not be opened. */
    CONNECT_ERROR(true),
    /** No connection within {@code timeouts.connect}. */
    CONNECT_TIMEOUT(true),
    /** Connected, but no response within {@code timeouts.first_byte}. */
    FIRST_BYTE_TIMEOUT(true),
    /** The body stalled between two chunks for {@code timeouts.idle}. */
    IDLE_TIMEOUT(true),
    /** The call passed {@code timeouts.total}. */
    TOTAL_TIMEOUT(true),
    /** The connection closed or was reset mid-answer, or the answer ended unfinished. */
    CONNECTION_LOST(true),
    /** HTTP 429: the provider sheds load (or the gateway's account is out of quota). */
    RATE_LIMITED(true),
    /** HTTP 5xx. */
    SERVER_ERROR(true),
    /** HTTP 401 or 403: the provider refused the gateway's own credential. */
    PROVIDER_AUTH(false),
    /** Any other 4xx: the caller's request was refused; passed through unchanged. */
    BAD_REQUEST(false),
    /** The provider refused the content itself (a 4xx whose error code says so). */
    CONTENT_FILTER(false);

    /** OpenAI's and Azure OpenAI's {@code error.code} for a refusal of the content. */
    private static final Set<String> CONTENT_FILTER_CODES = Set.of("content_filter", "content_policy_violation",
            "ResponsibleAIPolicyViolation");

    private final boolean unhealthy;

    FailureClass(boolean unhealthy) {
        this.unhealthy = unhealthy;
    }

    /**
     * True when the failure says the target is unwell and counts against its health breaker;
     * false for failures the caller or the gateway's own configuration caused.
     */
    public boolean unhealthy() {
        return unhealthy;
    }

    public boolean isTimeout() {
        return this == CONNECT_TIMEOUT || this == FIRST_BYTE_TIMEOUT || this == IDLE_TIMEOUT || this == TOTAL_TIMEOUT;
    }

    /** The class of a call that failed before a status could be read, or while the body was read. */
    public static FailureClass of(UpstreamException.Kind kind) {
        return switch (kind) {
            case CONNECT -> CONNECT_ERROR;
            case CONNECT_TIMEOUT -> CONNECT_TIMEOUT;
            case FIRST_BYTE_TIMEOUT -> FIRST_BYTE_TIMEOUT;
            case IDLE_TIMEOUT -> IDLE_TIMEOUT;
            case TOTAL_TIMEOUT -> TOTAL_TIMEOUT;
            case CONNECTION_LOST -> CONNECTION_LOST;
        };
    }

    /**
     * The class of an answer with a status outside 2xx.
     *
     * @param error what the upstream's error body said, {@link UpstreamError#NONE} when unreadable
     */
    public static FailureClass ofStatus(int status, UpstreamError error) {
        if (status == 429) {
            return RATE_LIMITED;
        }
        if (status >= 500) {
            return SERVER_ERROR;
        }
        if (isContentFilter(error)) {
            return CONTENT_FILTER;
        }
        if (status == 401 || status == 403) {
            return PROVIDER_AUTH;
        }
        return BAD_REQUEST;
    }

    private static boolean isContentFilter(UpstreamError error) {
        return CONTENT_FILTER_CODES.contains(error.code()) || CONTENT_FILTER_CODES.contains(error.innerCode());
    }
}
