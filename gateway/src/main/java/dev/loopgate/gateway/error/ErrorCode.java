package dev.loopgate.gateway.error;

/**
 * Every error the gateway answers with, in one place: HTTP status, OpenAI error
 * {@code type} and {@code code}, and whether the next target may be tried.
 */
public enum ErrorCode {
    INVALID_REQUEST(400, "invalid_request_error", "invalid_request"),
    /** The provider refused the content itself (its content filter); retrying or another target will not help. */
    CONTENT_FILTER(400, "invalid_request_error", "content_filter"),
    INVALID_API_KEY(401, "authentication_error", "invalid_api_key"),
    BUDGET_EXCEEDED(402, "insufficient_quota", "budget_exceeded"),
    LOOP_PAUSED(403, "permission_error", "loop_paused"),
    TOOL_FORBIDDEN(403, "permission_error", "tool_forbidden"),
    RUN_PAUSED(403, "permission_error", "run_paused"),
    TOOL_CAP_REACHED(403, "permission_error", "tool_cap_reached"),
    APPROVAL_REQUIRED(403, "permission_error", "approval_required"),
    TOOL_REJECTED(403, "permission_error", "tool_rejected"),
    FORBIDDEN(403, "permission_error", "forbidden"),
    NOT_FOUND(404, "invalid_request_error", "not_found"),
    METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
    /** The same Idempotency-Key came with a different body. */
    APPROVAL_ALREADY_DECIDED(409, "invalid_request_error", "approval_already_decided"),
    IDEMPOTENCY_KEY_REUSED(409, "invalid_request_error", "idempotency_key_reused"),
    /** The first call with this Idempotency-Key is still running; retrying later gets its answer. */
    IDEMPOTENCY_KEY_IN_FLIGHT(409, "invalid_request_error", "idempotency_key_in_flight"),
    /** The request body did not arrive within the body timeout. */
    REQUEST_TIMEOUT(408, "invalid_request_error", "request_timeout"),
    REQUEST_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
    /** The request head was larger than the gateway reads (the line, or the headers). */
    REQUEST_HEAD_TOO_LARGE(431, "invalid_request_error", "request_head_too_large"),
    EXPECTATION_FAILED(417, "invalid_request_error", "expectation_failed"),
    RATE_LIMITED(429, "rate_limit_error", "rate_limited"),
    /** The client left before the answer; nothing is written, the status is for records (nginx's 499). */
    CLIENT_CLOSED(499, "invalid_request_error", "client_closed"),
    INTERNAL(500, "api_error", "internal_error"),
    UPSTREAM_ERROR(502, "api_error", "upstream_error"),
    ALL_TARGETS_FAILED(503, "api_error", "all_targets_failed"),
    UPSTREAM_TIMEOUT(504, "api_error", "upstream_timeout"),
    /** The gateway holds as many request bodies as it may buffer; retry shortly. */
    GATEWAY_BUSY(503, "api_error", "gateway_busy"),
    HTTP_VERSION_NOT_SUPPORTED(505, "invalid_request_error", "http_version_not_supported"),
    /** The budget store (Redis) cannot be reached and the policy is to deny rather than spend unguarded. */
    BUDGET_STORE_UNAVAILABLE(503, "api_error", "budget_store_unavailable"),
    /** Redis lost the budget ledger and it is being rebuilt from the audit store. */
    LEDGER_REBUILDING(503, "api_error", "ledger_rebuilding");

    private final int status;
    private final String type;
    private final String code;

    ErrorCode(int status, String type, String code) {
        this.status = status;
        this.type = type;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }
}
