package dev.loopgate.gateway.provider;

/**
 * A call that failed before an answer could be read: no connection, no response in
 * time, or a connection lost. Whether another target may be tried depends on whether
 * any byte has reached the client, which only the caller knows; {@link FailureClass}
 * says what each kind means for retries, fallbacks and the target's health.
 */
public final class UpstreamException extends RuntimeException {
    public enum Kind {
        /** The connection was refused or could not be opened (DNS, TLS, reset while connecting). */
        CONNECT,
        /** No connection within {@code timeouts.connect} (nor a pooled one free in that time). */
        CONNECT_TIMEOUT,
        /** Connected, but no status line within {@code timeouts.first_byte}. */
        FIRST_BYTE_TIMEOUT,
        /** The body stalled: nothing for {@code timeouts.idle} between two chunks. */
        IDLE_TIMEOUT,
        /** The call passed {@code timeouts.total}. */
        TOTAL_TIMEOUT,
        /** The connection closed, was reset, or the body ended unfinished or too large. */
        CONNECTION_LOST;

        public boolean isTimeout() {
            return this == CONNECT_TIMEOUT || this == FIRST_BYTE_TIMEOUT || this == IDLE_TIMEOUT
                    || this == TOTAL_TIMEOUT;
        }
    }

    private final Kind kind;

    public UpstreamException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
