package dev.loopgate.gateway.error;

import java.util.List;
import java.util.Objects;

/**
 * The one exception the gateway raises for an answer it means to give: it carries the
 * code and a message safe to show the caller. No stack trace is filled in; these
 * are expected outcomes, logged once by the failure handler.
 */
public final class GatewayException extends RuntimeException {
    private final ErrorCode code;
    private final String param;
    private final List<String> problems;

    public GatewayException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public GatewayException(ErrorCode code, String message, String param) {
        this(code, message, param, List.of());
    }

    /** An error with several findings, e.g. every problem in submitted rules, each with its path. */
    public GatewayException(ErrorCode code, String message, String param, List<String> problems) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.code = Objects.requireNonNull(code, "code");
        this.param = param;
        this.problems = List.copyOf(problems);
    }

    public ErrorCode code() {
        return code;
    }

    /** Every finding behind the error, rendered as {@code error.problems}; usually empty. */
    public List<String> problems() {
        return problems;
    }

    /** The request field at fault, as OpenAI's {@code error.param}; may be null. */
    public String param() {
        return param;
    }
}
