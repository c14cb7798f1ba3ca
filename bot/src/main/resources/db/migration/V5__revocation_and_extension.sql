-- Removing access: who ended it early and why, attempts, the last error, the claim of the process working on it
-- (a lease), the next retry, and when access was confirmed gone. A pending extension request.
ALTER TABLE grants ADD COLUMN revoked_by VARCHAR(32);
ALTER TABLE grants ADD COLUMN revoke_reason TEXT;
ALTER TABLE grants ADD COLUMN revoke_attempts INT NOT NULL DEFAULT 0;
ALTER TABLE grants ADD COLUMN last_error TEXT;
ALTER TABLE grants ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN next_attempt_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN ended_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN ext_duration_s BIGINT;
ALTER TABLE grants ADD COLUMN ext_justification TEXT;
ALTER TABLE grants ADD COLUMN ext_requested_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN ext_approved_by VARCHAR(2000);

-- The sweeper looks for overdue active grants.
CREATE INDEX grants_expiry ON grants (state, expires_at);
