package dev.loopgate.gateway.provider;

/**
 * A call that failed before an answer could be read: no connection, no response in
 * time, or a connection lost. Whether another target may be tried depends on whether
 * any byte has reached the client, which only the caller knows.
 */
public final class UpstreamException extends RuntimeException {
    public enum Kind {
        CONNECT,
        TIMEOUT,
        CONNECTION_LOST
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
