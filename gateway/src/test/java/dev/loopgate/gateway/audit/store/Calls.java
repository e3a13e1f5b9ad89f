package dev.loopgate.gateway.audit.store;

import dev.loopgate.gateway.audit.AuditEntry;
import java.time.Instant;

/** Audit entries for tests: a call with sensible defaults, changed field by field. */
final class Calls {
    /** 2026-03-01T00:00:00Z. */
    static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;

    private Calls() {
    }

    static Call call(long atMillis) {
        return new Call(atMillis);
    }

    static final class Call {
        private long at;
        private String requestId = "req";
        private String key = "build-bot";
        private String loop = "build-1";
        private String run = "run-1";
        private Long step = 1L;
        private String role = "maker";
        private String rule = "default";
        private String tier = "mid";
        private String model = "small";
        private String provider = "openai";
        private int status = 200;
        private long prompt = 100;
        private long completion = 50;
        private long cached;
        private long cost = 1_000;
        private String content;
        private String dialect = "openai";

        private Call(long at) {
            this.at = at;
        }

        Call id(String v) { requestId = v; return this; }
        Call key(String v) { key = v; return this; }
        Call loop(String v) { loop = v; return this; }
        Call run(String v) { run = v; return this; }
        Call step(Long v) { step = v; return this; }
        Call role(String v) { role = v; return this; }
        Call rule(String v) { rule = v; return this; }
        Call tier(String v) { tier = v; return this; }
        Call model(String v) { model = v; return this; }
        Call provider(String v) { provider = v; return this; }
        Call status(int v) { status = v; return this; }
        Call tokens(long p, long c, long cachedTokens) { prompt = p; completion = c; cached = cachedTokens; return this; }
        Call cost(long nanos) { cost = nanos; return this; }
        Call content(String v) { content = v; return this; }
        Call dialect(String v) { dialect = v; return this; }

        AuditEntry build() {
            return new AuditEntry(AuditEntry.Kind.CALL, at, requestId, key, loop, run, step, role, "auto", rule, 3L,
                    tier, model, provider, status, status == 200 ? null : "upstream_error", prompt, completion, cached,
                    cost, 120, 80L, false, null, null, "sha256:abc", null, null, null, content, dialect);
        }
    }
}
