-- Decisions on a grant: approvals (distinct approvers, comma-separated Slack ids, in order), the emergency
-- flag, who ended it and why, and the adapter's handle (never secret).
ALTER TABLE grants ADD COLUMN approvals_required INT NOT NULL DEFAULT 1;
ALTER TABLE grants ADD COLUMN approved_by VARCHAR(2000) NOT NULL DEFAULT '';
ALTER TABLE grants ADD COLUMN emergency BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE grants ADD COLUMN decided_by VARCHAR(32);
ALTER TABLE grants ADD COLUMN reason TEXT;
ALTER TABLE grants ADD COLUMN handle TEXT;

-- Where each grant's request card was posted, so every change updates it in place (chat.update).
CREATE TABLE slack_cards (
    grant_id   BIGINT      NOT NULL PRIMARY KEY,
    channel    VARCHAR(32) NOT NULL,
    ts         VARCHAR(32) NOT NULL
);
