-- Credentials waiting for the requester's Reveal, sealed with AES-256-GCM (see CredentialCipher): the database
-- never holds them in clear. Portable SQL: runs on PostgreSQL and on H2 in PostgreSQL mode.
-- No foreign key to grants on purpose: the vault is a port of its own, and destroy() must work (and be a no-op)
-- whatever happened to the grant row.
CREATE TABLE grant_credentials (
    grant_id    BIGINT PRIMARY KEY,
    sealed      BYTEA   NOT NULL,                   -- version byte, nonce, ciphertext and tag
    reveals     INT     NOT NULL DEFAULT 0,         -- how many times the credentials were handed out
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL   -- when they were (last) sealed
);
