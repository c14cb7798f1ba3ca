-- The chain becomes keyed (HMAC-SHA256 with a key kept outside the database). keyed tells the appender whether the
-- next entry must first be the AuditKeyed marker that ends the plain part of an existing chain; the verifier never
-- trusts it. checkpoint_seq is the last seq a signed checkpoint was published for, so replicas do not repeat one.
ALTER TABLE audit_head ADD COLUMN keyed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE audit_head ADD COLUMN checkpoint_seq BIGINT NOT NULL DEFAULT 0;
