package dev.loopgate.gateway.audit;

import dev.loopgate.budgets.Money;
import dev.loopgate.gateway.call.CallRecord;
import dev.loopgate.gateway.call.CallSink;
import dev.loopgate.gateway.call.LoopIdentity;
import java.time.Clock;
import java.util.Locale;

/** Turns every finished call, rejections included, into one audit row. */
public final class CallAuditSink implements CallSink {
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final AuditLog log;
    private final Clock clock;

    public CallAuditSink(AuditLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void record(CallRecord call) {
        log.append(entry(call, clock.millis()));
    }

    static AuditEntry entry(CallRecord call, long atMillis) {
        LoopIdentity loop = call.loop();
        return new AuditEntry(
                AuditEntry.Kind.CALL,
                atMillis,
                call.requestId(),
                call.keyName(),
                loop == null ? null : loop.loopId(),
                loop == null ? null : loop.run(),
                loop == null || loop.step() == LoopIdentity.NO_STEP ? null : loop.step(),
                loop == null ? null : loop.role(),
                call.requestedModel(),
                call.rule(),
                call.rulesVersion() < 0 ? null : call.rulesVersion(),
                call.tier(),
                call.model(),
                call.provider(),
                call.status(),
                call.errorCode(),
                call.usage().promptTokens(),
                call.usage().completionTokens(),
                call.usage().cachedPromptTokens(),
                call.costNanos(),
                call.durationNanos() / NANOS_PER_MILLI,
                call.firstByteNanos() < 0 ? null : call.firstByteNanos() / NANOS_PER_MILLI,
                call.stream(),
                call.streamEnd() == null ? null : call.streamEnd().name().toLowerCase(Locale.ROOT),
                call.idempotencyKey(),
                call.requestHash(),
                null,
                null,
                call.overran() ? overrun(call) : null,
                call.content(),
                call.endpoint() == null ? null : call.endpoint().dialect().name().toLowerCase(Locale.ROOT));
    }

    /** The detail of a call that cost more than its reservation, for finance to find. */
    private static String overrun(CallRecord call) {
        return "{\"overrun\":{\"reserved_usd\":\"" + Money.format(call.reservedNanos()) + "\",\"charged_usd\":\""
                + Money.format(call.costNanos()) + "\"}}";
    }
}
