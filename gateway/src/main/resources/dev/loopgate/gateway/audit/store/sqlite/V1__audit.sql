-- Audit rows, hash-chained per gateway instance (chain_id). Columns after at_ms follow
-- dev.loopgate.gateway.audit.AuditEntry; cost is in nano-dollars, stream is 0/1.
CREATE TABLE audit_log (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    chain_id          TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    kind              TEXT    NOT NULL,
    at_ms             INTEGER NOT NULL,
    request_id        TEXT,
    key_name          TEXT,
    loop_id           TEXT,
    run               TEXT,
    step              INTEGER,
    role              TEXT,
    requested_model   TEXT,
    rule              TEXT,
    rules_version     INTEGER,
    tier              TEXT,
    model             TEXT,
    provider          TEXT,
    status            INTEGER NOT NULL,
    error_code        TEXT,
    prompt_tokens     INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    cached_tokens     INTEGER NOT NULL,
    cost_nanos        INTEGER NOT NULL,
    latency_ms        INTEGER NOT NULL,
    first_byte_ms     INTEGER,
    stream            INTEGER NOT NULL,
    stream_end        TEXT,
    idempotency_key   TEXT,
    request_hash      TEXT,
    action            TEXT,
    actor             TEXT,
    detail            TEXT,
    content           TEXT,
    prev_hash         TEXT    NOT NULL,
    hash              TEXT    NOT NULL,
    CONSTRAINT audit_log_chain_seq UNIQUE (chain_id, seq)
);

CREATE INDEX audit_log_at_ms ON audit_log (at_ms);

CREATE INDEX audit_log_loop_at_ms ON audit_log (loop_id, at_ms);

-- One row per purge per chain: the last purged row's seq and hash, where verify resumes.
CREATE TABLE audit_checkpoint (
    chain_id         TEXT    NOT NULL,
    seq              INTEGER NOT NULL,
    hash             TEXT    NOT NULL,
    purged_before_ms INTEGER NOT NULL,
    at_ms            INTEGER NOT NULL,
    PRIMARY KEY (chain_id, seq)
);
