package dev.loopgate.gateway.pipeline;

/** Names of the headers Loopgate adds to its answers. */
public final class ResponseHeaders {
    public static final String REQUEST_ID = "x-request-id";
    public static final String TIER = "x-loopgate-tier";
    public static final String MODEL = "x-loopgate-model";
    public static final String RULE = "x-loopgate-rule";
    /** The routing rules version that decided the call. */
    public static final String RULES_VERSION = "x-loopgate-rules-version";
    public static final String COST_USD = "x-loopgate-cost-usd";
    /** On 403 {@code approval_required}: the approval an admin decides. */
    public static final String APPROVAL_ID = "x-loopgate-approval-id";

    private ResponseHeaders() {
    }
}
