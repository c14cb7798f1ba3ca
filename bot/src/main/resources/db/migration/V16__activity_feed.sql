-- The live feed of activity into each grant's thread (issue 15). Portable SQL: PostgreSQL and H2 in PostgreSQL mode.

-- Activity not yet posted in its grant's thread: written in the transaction that stores the row (grant_activity),
-- deleted once the thread has it. An outbox, so a row committed late (after a higher seq was posted) is still
-- posted, and a restart posts what was left.
CREATE TABLE activity_unposted (
    seq       BIGINT NOT NULL PRIMARY KEY,
    grant_id  BIGINT NOT NULL
);
CREATE INDEX activity_unposted_grant ON activity_unposted (grant_id, seq);

-- A feed message being posted for a grant: the rows up to last_seq, started at started_at. Committed before the
-- Slack call and deleted with the rows it posted, so a process that died in between looks for the message (by its
-- metadata) before posting it again.
CREATE TABLE activity_feed_attempts (
    grant_id    BIGINT NOT NULL PRIMARY KEY,
    last_seq    BIGINT NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
