-- The audit trail: append-only, hash-chained. hash = SHA-256(prev_hash || canonical JSON of the entry).
-- audit_head holds the last hash and seq; appends lock it, so two replicas never fork the chain, and a deleted
-- last entry shows as a head that no longer matches.
CREATE TABLE audit_log (
    seq        BIGINT       NOT NULL PRIMARY KEY,
    at         TIMESTAMP WITH TIME ZONE NOT NULL,
    grant_id   BIGINT       NOT NULL,
    type       VARCHAR(40)  NOT NULL,
    actor      VARCHAR(32)  NOT NULL,
    details    TEXT         NOT NULL,
    prev_hash  CHAR(64)     NOT NULL,
    hash       CHAR(64)     NOT NULL
);

CREATE INDEX audit_log_grant ON audit_log (grant_id, seq);

CREATE TABLE audit_head (
    id         INT          NOT NULL PRIMARY KEY,
    seq        BIGINT       NOT NULL,
    hash       CHAR(64)     NOT NULL
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
