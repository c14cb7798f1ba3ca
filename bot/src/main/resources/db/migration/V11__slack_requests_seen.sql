-- Signatures of the signed Slack requests answered recently. The same signed request delivered twice (Slack's own
-- retry, or an attacker replaying a captured request within the 5-minute timestamp window) is answered once: the
-- second insert hits the primary key. In the database so that every replica sees what the others answered. Rows
-- older than 10 minutes (twice the window) are deleted as new ones arrive.
CREATE TABLE slack_requests_seen (
    signature  VARCHAR(100) NOT NULL PRIMARY KEY,
    seen_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX slack_requests_seen_at ON slack_requests_seen (seen_at);
