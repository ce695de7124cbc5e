-- One table for the Idempotency-Key of every command (docs/guarantees.md, "Idempotency"). A key's
-- outcome is recorded either by the same write as the command's effect (resource_id: what a flag
-- created, in the case's own transaction) or, after the command, by the lease-and-complete protocol
-- (status, location, body). A row with neither is a command still holding its lease.
ALTER TABLE idempotent_requests ADD COLUMN resource_id text NULL;

-- A flag's key is its agency's, as every other key of a user of that agency is. Should an agency
-- have used one key for a flag and for another command (a client's error), the other command's row
-- stays: a retry of the flag then gets 409, never a second case.
INSERT INTO idempotent_requests (scope, key, request_hash, resource_id, started_at)
SELECT 'agency:' || agency_id, key, request_hash, resource_id, created_at FROM idempotency_keys
ON CONFLICT (scope, key) DO NOTHING;

DROP TABLE idempotency_keys;
