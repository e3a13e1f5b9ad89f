package dev.loopgate.gateway.error;

import java.util.Objects;

/**
 * The one exception the gateway raises for an answer it means to give: it carries the
 * code and a message safe to show the caller. No stack trace is filled in; these
 * are expected outcomes, logged once by the failure handler.
 */
public final class GatewayException extends RuntimeException {
    private final ErrorCode code;
    private final String param;

    public GatewayException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public GatewayException(ErrorCode code, String message, String param) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.param = param;
    }

    public ErrorCode code() {
        return code;
    }

    /** The request field at fault, as OpenAI's {@code error.param}; may be null. */
    public String param() {
        return param;
    }
}
