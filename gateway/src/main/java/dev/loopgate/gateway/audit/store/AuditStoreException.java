package dev.loopgate.gateway.audit.store;

/**
 * The audit database failed (down, full, locked, refused a row). An append that throws it
 * stored nothing and may be retried as a whole: the writer spools the batch meanwhile.
 */
public final class AuditStoreException extends RuntimeException {
    public AuditStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
