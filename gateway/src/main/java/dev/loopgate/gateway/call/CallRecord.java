package dev.loopgate.gateway.call;

import dev.loopgate.budgets.Usage;
import dev.loopgate.budgets.ledger.RefusalReason;

/**
 * What one finished call was and cost, rejections included: the facts audit rows and
 * metrics are made from. Fields the call never reached are null (or zero).
 *
 * @param status the HTTP status the client got: 499 when it left before any answer; a
 *        stream that had started keeps its 200 and says how it ended in {@code streamEnd}
 * @param errorCode our error code when the call failed, else null
 * @param streamEnd how a stream ended, or null for whole answers and failures
 * @param rulesVersion the routing rules version that decided, or -1
 * @param firstByteNanos upstream time to its response, or -1 when no upstream answered
 * @param content the request's messages (or input) as JSON, cut to the configured size, when
 *        the operator stores content; else null
 * @param refusal why the budget guard refused the call (402 or 403 {@code loop_paused}), else null
 * @param reservedNanos the worst case the budget held for the call, or 0 when it held none
 */
public record CallRecord(
        String requestId,
        Endpoint endpoint,
        String keyName,
        LoopIdentity loop,
        String requestedModel,
        String tier,
        String rule,
        String model,
        String provider,
        int status,
        String errorCode,
        boolean stream,
        Reply.StreamEnd streamEnd,
        long promptTokenEstimate,
        Usage usage,
        long costNanos,
        long durationNanos,
        long rulesVersion,
        long firstByteNanos,
        String idempotencyKey,
        String requestHash,
        String content,
        RefusalReason refusal,
        long reservedNanos) {

    /**
     * The provider billed more than the worst case reserved (a provider that wrote past the cap it
     * was sent, or priced something the estimate could not see): charged in full all the same.
     */
    public boolean overran() {
        return reservedNanos > 0 && costNanos > reservedNanos;
    }
}
