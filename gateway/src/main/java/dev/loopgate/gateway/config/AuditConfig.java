package dev.loopgate.gateway.config;

import java.nio.file.Path;

/**
 * Where audit rows go and what they hold: the store's JDBC URL (an SQLite file by default,
 * PostgreSQL in production), the local spool used while the store is down, how many
 * characters of each prompt to keep (0 = none, the default), and how many days of rows to
 * keep (0 = all).
 */
public record AuditConfig(String url, Path spoolDir, int contentChars, int retentionDays) {
    public static final String DEFAULT_URL = "jdbc:sqlite:./data/audit.db";
    public static final Path DEFAULT_SPOOL_DIR = Path.of("data", "audit-spool");
    /** Kept per call when {@code store_content} is on, so one huge prompt cannot bloat the store. */
    public static final int DEFAULT_CONTENT_CHARS = 16_384;
    public static final AuditConfig DEFAULTS = new AuditConfig(DEFAULT_URL, DEFAULT_SPOOL_DIR, 0, 0);
}
