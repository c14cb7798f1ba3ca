-- Audit entries waiting to be forwarded to the SIEM (only written while BREAKGLASS_SIEM_URL is set). A row is
-- inserted in the same transaction as its audit_log entry and deleted once the SIEM answered 2xx, so nothing is
-- lost across restarts. No foreign key: the outbox must never stop an append, and a missing entry is reported by
-- the forwarder instead.
CREATE TABLE audit_outbox (
    seq              BIGINT       NOT NULL PRIMARY KEY,
    attempts         INT          NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_error       TEXT
);
