-- The post-mortem of a grant whose access is gone: when its thread opened, the reminders, the requester's
-- answers (JSON: question key -> answer) and the reviewer's sign-off.
ALTER TABLE grants ADD COLUMN pm_opened_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN pm_reminders INT NOT NULL DEFAULT 0;
ALTER TABLE grants ADD COLUMN pm_next_reminder_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN review_author VARCHAR(32);
ALTER TABLE grants ADD COLUMN review_written_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE grants ADD COLUMN review_answers TEXT;
ALTER TABLE grants ADD COLUMN signed_off_by VARCHAR(32);
ALTER TABLE grants ADD COLUMN signed_off_at TIMESTAMP WITH TIME ZONE;

-- The sweeper looks for post-mortems not opened yet and reminders due.
CREATE INDEX grants_post_mortem ON grants (state, pm_next_reminder_at);

-- The post-mortem message under the request card, updated as the review moves on.
ALTER TABLE slack_cards ADD COLUMN post_mortem_ts VARCHAR(32);
