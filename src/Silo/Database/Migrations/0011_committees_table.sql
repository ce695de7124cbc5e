-- Committees leave Orleans grain storage for a table of their own, as cases have theirs, so that a
-- command, its Idempotency-Key (idempotent_requests) and the feed entries it causes (feed_outbox)
-- commit in one transaction (docs/guarantees.md, "Idempotency"). A plan stored in OrleansStorage
-- before this migration is moved here by its committee's next activation (LegacyCommitteeImport).
CREATE TABLE committees (
    id text PRIMARY KEY,
    -- Bumped by every write; a write from a stale activation finds it moved and is refused.
    version integer NOT NULL,
    state jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);
