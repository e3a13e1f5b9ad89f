package dev.loopgate.gateway.audit.writer;

import dev.loopgate.gateway.audit.AuditEntry;
import java.util.ArrayList;
import java.util.List;

/** Audit entries for the writer's tests: numbered ones whose order can be checked. */
final class Entries {
    private Entries() {
    }

    /** A call row whose request id is {@code "<source>-<n>"}. */
    static AuditEntry numbered(String source, long n) {
        return new AuditEntry(AuditEntry.Kind.CALL, 1_700_000_000_000L + n, source + "-" + n, "key-a", "loop-1", "run-1",
                n, "planner", "small", "rule-1", 3L, "light", "gpt-4o-mini", "openai", 200, null, 10, 20, 0, 1234,
                15, 5L, false, null, null, "hash-" + n, null, null, null, null, "openai");
    }

    static AuditEntry numbered(long n) {
        return numbered("e", n);
    }

    static List<AuditEntry> numbered(long from, long to) {
        List<AuditEntry> entries = new ArrayList<>();
        for (long n = from; n <= to; n++) {
            entries.add(numbered(n));
        }
        return entries;
    }

    static List<String> ids(List<AuditEntry> entries) {
        return entries.stream().map(AuditEntry::requestId).toList();
    }
}
