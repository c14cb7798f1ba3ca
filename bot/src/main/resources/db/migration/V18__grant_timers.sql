-- Grant timers as rows (issue 16). Portable SQL: PostgreSQL and H2 in PostgreSQL mode.

-- One row per (grant, what is due), replacing a Quartz job and trigger per timer: scheduling one was a commit under
-- Quartz's cluster-wide lock, which serialised every replica (docs/benchmarks.md). A row is upserted by
-- JdbcTimerStore.put, claimed by a poller with a lease (claimed_by, claimed_until) without any cluster-wide lock,
-- and deleted once its use case returned — only if its version is still the one claimed: a timer scheduled again
-- meanwhile gets a new (random) version and survives.
CREATE TABLE grant_timers (
    grant_id       BIGINT NOT NULL,
    due            VARCHAR(20) NOT NULL,
    due_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    version        BIGINT NOT NULL,
    claimed_by     VARCHAR(200),
    claimed_until  TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (grant_id, due)
);
CREATE INDEX grant_timers_due_at ON grant_timers (due_at);
