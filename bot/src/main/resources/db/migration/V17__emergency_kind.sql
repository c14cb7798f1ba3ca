-- The emergency kind a request named (policy emergencies:, by id). Empty for grants made before the policy defined
-- kinds, or under a policy without them. Kept as the id typed, not a reference: a kind may leave the policy later,
-- and the grant still says what it was for. Portable SQL: PostgreSQL and H2 in PostgreSQL mode.
ALTER TABLE grants ADD COLUMN kind VARCHAR(32);
