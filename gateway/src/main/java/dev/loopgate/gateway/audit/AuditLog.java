package dev.loopgate.gateway.audit;

/**
 * Where audit rows are handed off: never blocks (the caller may be an event loop) and never
 * drops a row; the writer behind it batches them into the store.
 */
@FunctionalInterface
public interface AuditLog {
    AuditLog NONE = entry -> { };

    void append(AuditEntry entry);
}
