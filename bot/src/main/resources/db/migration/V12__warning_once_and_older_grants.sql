-- The end of the window the requester was last warned about: the warning is sent once per end, across restarts
-- and replicas (an extension moves the end, so its own warning still goes out).
ALTER TABLE grants ADD COLUMN warned_for TIMESTAMP WITH TIME ZONE;

-- Grants that ended before post-mortems existed (V8) have none: a database upgraded from before them must not
-- open a post-mortem thread, and send reminders, for each of them. "Before" is measured against when V8 was
-- applied here, so a grant that ended since then and whose post-mortem is not open yet (the process stopped right
-- after the revoke) still gets its post-mortem. Grants that ended before revocations were recorded (V5) have no
-- ended_at; their last change is when they ended.
ALTER TABLE grants ADD COLUMN pm_predates_reviews BOOLEAN DEFAULT FALSE NOT NULL;
UPDATE grants SET pm_predates_reviews = TRUE
 WHERE state IN ('EXPIRED', 'REVOKED') AND pm_opened_at IS NULL
   AND COALESCE(ended_at, updated_at) < (SELECT MIN(installed_on) FROM flyway_schema_history WHERE version = '8');
